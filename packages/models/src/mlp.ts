// The MLP of the speed benchmarks: 784-512-512-10 on 28x28x1.

import { BuildContext, Tensor, dense, flatten, scaled } from './layers.js';

export function mlp(ctx: BuildContext, x: Tensor, numClasses: number): Tensor {
  x = flatten(x, 'flatten');
  x = dense(ctx, x, 'fc1', scaled(ctx, 512), 'relu');
  x = dense(ctx, x, 'fc2', scaled(ctx, 512), 'relu');
  return dense(ctx, x, 'fc3', numClasses);
}
