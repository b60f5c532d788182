// VGG16 with BatchNorm as in the RWP original's models (the SWA code's VGG16BN): 3x3 convs with
// bias, each followed by BN and ReLU; 2x2 max-pools; then the classifier
// dropout-512-ReLU-dropout-512-ReLU-classes on the flattened features. 15,253,578 parameters for
// 10 classes on 32x32x3. Convs are He-normal over the fan-out with zero bias, as there.

import { BuildContext, Tensor, batchNorm, conv, dense, dropout, flatten, maxPool, relu, scaled } from './layers.js';

const STAGES = [
  [64, 64],
  [128, 128],
  [256, 256, 256],
  [512, 512, 512],
  [512, 512, 512],
];

export function vgg16bn(ctx: BuildContext, x: Tensor, numClasses: number, dropoutRate: number): Tensor {
  STAGES.forEach((widths, s) => {
    widths.forEach((width, i) => {
      const name = `block${s + 1}_${i + 1}`;
      x = conv(ctx, x, `${name}_conv`, { filters: scaled(ctx, width), kernel: 3, bias: true, init: 'he-fan-out' });
      x = relu(batchNorm(x, `${name}_bn`), `${name}_relu`);
    });
    x = maxPool(x, `block${s + 1}_pool`, 2, 2);
  });
  x = flatten(x, 'flatten');
  x = dense(ctx, dropout(x, 'dropout1', dropoutRate), 'fc1', scaled(ctx, 512), 'relu');
  x = dense(ctx, dropout(x, 'dropout2', dropoutRate), 'fc2', scaled(ctx, 512), 'relu');
  return dense(ctx, x, 'fc3', numClasses);
}
