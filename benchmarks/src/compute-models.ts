// The benchmark's models in plain tfjs-layers, the same as benchmarks/compute_pytorch.py builds
// in PyTorch: the MLP 784-512-512-10, the trainer's small CNN (3x3 convolutions padded by 1, 421,642 parameters,
// packages/models' cnn), and
// the CIFAR ResNet-18 built like packages/models builds it (explicit zero padding before
// stride-2 convolutions, BatchNorm and ReLU as layers, 1x1 projection shortcuts).
import * as tfl from '@tensorflow/tfjs-layers';

export type ModelName = 'mlp' | 'cnn' | 'resnet18';

export interface ModelCase {
  name: ModelName;
  batch: number;
  inputShape: [number, number, number];
  classes: number;
}

export const MODELS: readonly ModelCase[] = [
  { name: 'mlp', batch: 128, inputShape: [28, 28, 1], classes: 10 },
  { name: 'cnn', batch: 128, inputShape: [28, 28, 1], classes: 10 },
  { name: 'resnet18', batch: 32, inputShape: [32, 32, 3], classes: 10 },
];

type T = tfl.SymbolicTensor;

function apply(layer: tfl.layers.Layer, x: T | T[]): T {
  return layer.apply(x) as T;
}

function conv(x: T, filters: number, kernel: number, stride: number, bias: boolean, activation?: 'relu'): T {
  const pad = (kernel - 1) / 2;
  let padding: 'same' | 'valid' = 'same';
  if (stride > 1 && pad > 0) {
    x = apply(tfl.layers.zeroPadding2d({ padding: pad }), x);
    padding = 'valid';
  }
  return apply(tfl.layers.conv2d({ filters, kernelSize: kernel, strides: stride, padding, useBias: bias, activation }), x);
}

function bnRelu(x: T, relu = true): T {
  x = apply(tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }), x);
  return relu ? apply(tfl.layers.reLU(), x) : x;
}

function basicBlock(x: T, filters: number, stride: number): T {
  const channels = x.shape[3] as number;
  let shortcut = x;
  if (stride !== 1 || channels !== filters) shortcut = bnRelu(conv(x, filters, 1, stride, false), false);
  let y = bnRelu(conv(x, filters, 3, stride, false));
  y = bnRelu(conv(y, filters, 3, 1, false), false);
  return apply(tfl.layers.reLU(), apply(tfl.layers.add(), [y, shortcut]));
}

export function buildModel(m: ModelCase): tfl.LayersModel {
  const input = tfl.input({ shape: m.inputShape });
  let x: T = input;
  if (m.name === 'mlp') {
    x = apply(tfl.layers.flatten(), x);
    x = apply(tfl.layers.dense({ units: 512, activation: 'relu' }), x);
    x = apply(tfl.layers.dense({ units: 512, activation: 'relu' }), x);
  } else if (m.name === 'cnn') {
    x = conv(x, 32, 3, 1, true, 'relu');
    x = apply(tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }), x);
    x = conv(x, 64, 3, 1, true, 'relu');
    x = apply(tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }), x);
    x = apply(tfl.layers.flatten(), x);
    x = apply(tfl.layers.dense({ units: 128, activation: 'relu' }), x);
  } else {
    x = bnRelu(conv(x, 64, 3, 1, false));
    for (const [filters, stride] of [[64, 1], [128, 2], [256, 2], [512, 2]]) {
      x = basicBlock(x, filters, stride);
      x = basicBlock(x, filters, 1);
    }
    x = apply(tfl.layers.globalAveragePooling2d({}), x);
  }
  const logits = apply(tfl.layers.dense({ units: m.classes }), x);
  return tfl.model({ inputs: input, outputs: logits });
}
