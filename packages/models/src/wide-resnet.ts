// Wide ResNets for CIFAR (Zagoruyko & Komodakis): pre-activation units BN-ReLU-conv-BN-ReLU-
// (dropout)-conv, (depth - 4) / 6 units a stage, 16k/32k/64k channels, stride 2 at the start of
// stages 2 and 3. Where a unit changes the shape, its shortcut is a 1x1 conv of the activated
// input; otherwise the identity. No conv has a bias. WRN-28-10 has 36,479,194 parameters for 10
// classes and WRN-16-8 10,961,370, as in the common PyTorch implementation.

import { BuildContext, Tensor, add, batchNorm, conv, dense, dropout, globalAvgPool, relu, scaled } from './layers.js';

function unit(ctx: BuildContext, x: Tensor, name: string, filters: number, stride: number, rate: number): Tensor {
  const activated = relu(batchNorm(x, `${name}_bn1`), `${name}_relu1`);
  const reshaped = stride !== 1 || x.shape[3] !== filters;
  const shortcut = reshaped
    ? conv(ctx, activated, `${name}_shortcut_conv`, { filters, kernel: 1, stride })
    : x;
  let y = conv(ctx, activated, `${name}_conv1`, { filters, kernel: 3, stride });
  y = relu(batchNorm(y, `${name}_bn2`), `${name}_relu2`);
  y = conv(ctx, dropout(y, `${name}_dropout`, rate), `${name}_conv2`, { filters, kernel: 3 });
  return add([y, shortcut], `${name}_add`);
}

export function wideResNet(
  ctx: BuildContext,
  x: Tensor,
  numClasses: number,
  depth: number,
  widen: number,
  dropoutRate: number,
): Tensor {
  const units = (depth - 4) / 6;
  x = conv(ctx, x, 'stem_conv', { filters: scaled(ctx, 16), kernel: 3 });
  [16 * widen, 32 * widen, 64 * widen].forEach((width, s) => {
    for (let u = 0; u < units; u++) {
      const stride = s > 0 && u === 0 ? 2 : 1;
      x = unit(ctx, x, `layer${s + 1}_${u}`, scaled(ctx, width), stride, dropoutRate);
    }
  });
  x = relu(batchNorm(x, 'head_bn'), 'head_relu');
  return dense(ctx, globalAvgPool(x, 'avgpool'), 'fc', numClasses);
}
