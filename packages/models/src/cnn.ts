// The small CNN of the Fashion-MNIST experiments. Its convolutions pad by 1 (PyTorch padding=1,
// TF 'same'): that is the variant with 421,642 parameters on 28x28x1 and 10 classes (unpadded
// convolutions would give 225,034). It keeps PyTorch's default initialisation, as the reference runs did.

import { BuildContext, Tensor, conv, dense, flatten, maxPool, scaled } from './layers.js';

export function cnn(ctx: BuildContext, x: Tensor, numClasses: number): Tensor {
  x = conv(ctx, x, 'conv1', { filters: scaled(ctx, 32), kernel: 3, bias: true, init: 'pytorch-default', activation: 'relu' });
  x = maxPool(x, 'pool1', 2, 2);
  x = conv(ctx, x, 'conv2', { filters: scaled(ctx, 64), kernel: 3, bias: true, init: 'pytorch-default', activation: 'relu' });
  x = maxPool(x, 'pool2', 2, 2);
  x = flatten(x, 'flatten');
  x = dense(ctx, x, 'fc1', scaled(ctx, 128), 'relu');
  return dense(ctx, x, 'fc2', numClasses);
}
