// Post-activation ResNets with BasicBlocks (conv-BN-ReLU-conv-BN, add, ReLU):
// - resnet20: He et al.'s CIFAR ResNet (16/32/64 channels, 3 blocks a stage) with option-A
//   shortcuts, parameter-free: subsample by 2 and zero-pad the new channels, as the paper used
//   on CIFAR (269,722 parameters for 10 classes; 1x1-conv option-B shortcuts would give 272,474).
// - resnet18: the CIFAR variant of the RWP original (3x3 stride-1 stem, no max-pool) or, with
//   imagenet, torchvision's (7x7 stride-2 stem, 3x3 stride-2 max-pool); 1x1 conv + BN projection
//   shortcuts where the shape changes.

import {
  BuildContext,
  ConvInit,
  Tensor,
  add,
  batchNorm,
  conv,
  dense,
  globalAvgPool,
  maxPool,
  permute,
  relu,
  scaled,
  subsample,
  zeroPad,
} from './layers.js';

type Shortcut = 'A' | 'B';

interface BlockOptions {
  filters: number;
  stride: number;
  shortcut: Shortcut;
  init: ConvInit;
}

/** Option A: x[:, ::2, ::2, :] with zero channels added on both sides, as many as are missing. */
function zeroPadShortcut(x: Tensor, name: string, stride: number, filters: number): Tensor {
  if (stride > 1) x = subsample(x, `${name}_subsample`);
  const missing = filters - (x.shape[3] as number);
  const before = Math.floor(missing / 2);
  // ZeroPadding2D pads axes 1 and 2 only: move channels to axis 2, pad, move them back.
  x = permute(x, `${name}_to_hcw`, [1, 3, 2]);
  x = zeroPad(x, `${name}_pad`, [
    [0, 0],
    [before, missing - before],
  ]);
  return permute(x, `${name}_to_hwc`, [1, 3, 2]);
}

function basicBlock(ctx: BuildContext, x: Tensor, name: string, o: BlockOptions): Tensor {
  const reshaped = o.stride !== 1 || x.shape[3] !== o.filters;
  let shortcut = x;
  if (reshaped && o.shortcut === 'A') {
    shortcut = zeroPadShortcut(x, `${name}_shortcut`, o.stride, o.filters);
  } else if (reshaped) {
    shortcut = conv(ctx, x, `${name}_shortcut_conv`, { filters: o.filters, kernel: 1, stride: o.stride, init: o.init });
    shortcut = batchNorm(shortcut, `${name}_shortcut_bn`);
  }
  let y = conv(ctx, x, `${name}_conv1`, { filters: o.filters, kernel: 3, stride: o.stride, init: o.init });
  y = relu(batchNorm(y, `${name}_bn1`), `${name}_relu1`);
  y = conv(ctx, y, `${name}_conv2`, { filters: o.filters, kernel: 3, init: o.init });
  y = batchNorm(y, `${name}_bn2`);
  return relu(add([y, shortcut], `${name}_add`), `${name}_relu2`);
}

interface ResNetOptions {
  widths: number[];
  blocksPerStage: number;
  shortcut: Shortcut;
  init: ConvInit;
}

/** The stages (stride 1 first, then 2), global average pool and classifier. */
function stagesAndHead(ctx: BuildContext, x: Tensor, numClasses: number, o: ResNetOptions): Tensor {
  o.widths.forEach((width, s) => {
    for (let b = 0; b < o.blocksPerStage; b++) {
      const stride = s > 0 && b === 0 ? 2 : 1;
      x = basicBlock(ctx, x, `layer${s + 1}_${b}`, {
        filters: scaled(ctx, width),
        stride,
        shortcut: o.shortcut,
        init: o.init,
      });
    }
  });
  return dense(ctx, globalAvgPool(x, 'avgpool'), 'fc', numClasses);
}

export function resnet20(ctx: BuildContext, x: Tensor, numClasses: number): Tensor {
  x = conv(ctx, x, 'stem_conv', { filters: scaled(ctx, 16), kernel: 3 });
  x = relu(batchNorm(x, 'stem_bn'), 'stem_relu');
  return stagesAndHead(ctx, x, numClasses, { widths: [16, 32, 64], blocksPerStage: 3, shortcut: 'A', init: 'he-fan-in' });
}

export function resnet18(ctx: BuildContext, x: Tensor, numClasses: number, imagenet: boolean): Tensor {
  const init: ConvInit = imagenet ? 'he-fan-out' : 'he-fan-in';
  if (imagenet) {
    x = conv(ctx, x, 'stem_conv', { filters: scaled(ctx, 64), kernel: 7, stride: 2, init });
    x = relu(batchNorm(x, 'stem_bn'), 'stem_relu');
    // Zero padding equals PyTorch's -inf padding here: the input is a ReLU output (>= 0) and
    // every window holds at least one real pixel.
    x = maxPool(zeroPad(x, 'stem_pool_pad', 1), 'stem_pool', 3, 2);
  } else {
    x = conv(ctx, x, 'stem_conv', { filters: scaled(ctx, 64), kernel: 3 });
    x = relu(batchNorm(x, 'stem_bn'), 'stem_relu');
  }
  return stagesAndHead(ctx, x, numClasses, { widths: [64, 128, 256, 512], blocksPerStage: 2, shortcut: 'B', init });
}
