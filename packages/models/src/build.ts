// Builds a model by name. Outputs are logits (no softmax): the trainer owns the loss.

import * as tfl from '@tensorflow/tfjs-layers';
import { cnn } from './cnn.js';
import { BuildContext, Tensor, input } from './layers.js';
import { mlp } from './mlp.js';
import { resnet18, resnet20 } from './resnet.js';
import { ModelSpec, requireMinSize, validateSpec } from './spec.js';
import { vgg16bn } from './vgg.js';
import { wideResNet } from './wide-resnet.js';

function logits(spec: ModelSpec, ctx: BuildContext, x: Tensor): Tensor {
  switch (spec.arch) {
    case 'mlp':
      return mlp(ctx, x, spec.numClasses);
    case 'cnn':
      requireMinSize(spec, 4, 'two 2x2 max-pools');
      return cnn(ctx, x, spec.numClasses);
    case 'resnet20':
      return resnet20(ctx, x, spec.numClasses);
    case 'resnet18':
      return resnet18(ctx, x, spec.numClasses, spec.imagenet ?? false);
    case 'vgg16bn':
      requireMinSize(spec, 32, 'five 2x2 max-pools');
      return vgg16bn(ctx, x, spec.numClasses, spec.dropout ?? 0.5);
    case 'wrn16_8':
      return wideResNet(ctx, x, spec.numClasses, 16, 8, spec.dropout ?? 0);
    case 'wrn28_10':
      return wideResNet(ctx, x, spec.numClasses, 28, 10, spec.dropout ?? 0);
  }
}

/**
 * The model `spec` names, its weights drawn from `spec.seed`: the same spec gives bitwise equal
 * weights in any process. Layer and weight names (`weight.originalName`) depend only on the spec.
 */
export function buildModel(spec: ModelSpec): tfl.LayersModel {
  validateSpec(spec);
  const ctx: BuildContext = { seed: spec.seed ?? 0, width: spec.width ?? 1 };
  const x = input(spec.inputShape);
  const name = spec.arch === 'resnet18' && spec.imagenet ? 'resnet18_imagenet' : spec.arch;
  return tfl.model({ inputs: x, outputs: logits(spec, ctx, x), name });
}

/** Trainable parameters only, like PyTorch's sum(p.numel() for p in model.parameters()). */
export function countParams(model: tfl.LayersModel): number {
  let n = 0;
  for (const w of model.trainableWeights) {
    let size = 1;
    for (const d of w.shape) {
      if (d === null) throw new Error(`weight ${w.originalName} has an unknown dimension`);
      size *= d;
    }
    n += size;
  }
  return n;
}
