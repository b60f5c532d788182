// Named, seeded building blocks shared by the architectures. Every layer gets an explicit name
// (weights are mapped by name in checkpoints and across ranks) and every random initializer a
// seed derived from the model seed and the weight's name, so a model's weights do not depend on
// what else the process built before, nor on the order layers are added.

import * as tfl from '@tensorflow/tfjs-layers';

export type Tensor = tfl.SymbolicTensor;

export interface BuildContext {
  readonly seed: number;
  /** Multiplier on hidden widths. */
  readonly width: number;
}

/** A hidden width scaled by the context's multiplier, at least 1. */
export function scaled(ctx: BuildContext, units: number): number {
  return Math.max(1, Math.round(units * ctx.width));
}

/** 32-bit FNV-1a hash of `seed/name`, never 0: tfjs treats a seed of 0 as "no seed". */
function weightSeed(seed: number, name: string): number {
  const key = `${seed}/${name}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0 || 1;
}

function apply(layer: tfl.layers.Layer, x: Tensor | Tensor[]): Tensor {
  return layer.apply(x) as Tensor;
}

function channels(x: Tensor): number {
  const c = x.shape[x.shape.length - 1];
  if (c === null) throw new Error(`tensor ${x.name} has an unknown channel count`);
  return c;
}

export function input(shape: [number, number, number]): Tensor {
  return tfl.input({ shape, name: 'input' });
}

export interface ConvOptions {
  filters: number;
  kernel: number;
  stride?: number;
  bias?: boolean;
  /** Initialisation; He-normal over the fan-in unless said otherwise. */
  init?: ConvInit;
  /**
   * A ReLU inside the layer. Under a gradient tfjs then runs conv, bias add and ReLU as separate
   * ops whose gradients are taken only where needed; a linear conv with a bias runs fused, as a
   * custom gradient that also computes the input's gradient, which a model's first layer throws
   * away (on the small cnn that was ~12 ms of a ~65 ms step).
   */
  activation?: 'relu';
}

/**
 * He-normal over the fan-in (PyTorch ResNet/WRN code) or the fan-out (torchvision, VGG), or
 * nn.Conv2d's own default, kernel and bias U(+-1/sqrt(fan_in)), for models that keep it.
 */
export type ConvInit = 'he-fan-in' | 'he-fan-out' | 'pytorch-default';

/**
 * Square convolution with PyTorch's padding (kernel - 1) / 2. For stride 1 that is TF's 'same';
 * for stride 2 'same' pads bottom/right only on even inputs, shifting the sampling grid by a
 * pixel against PyTorch (and against option-A shortcuts), so the padding is explicit there.
 */
export function conv(ctx: BuildContext, x: Tensor, name: string, o: ConvOptions): Tensor {
  const stride = o.stride ?? 1;
  const pad = (o.kernel - 1) / 2;
  let padding: 'same' | 'valid' = 'same';
  if (stride > 1 && pad > 0) {
    x = apply(tfl.layers.zeroPadding2d({ padding: pad, name: `${name}_pad` }), x);
    padding = 'valid';
  }
  const init = o.init ?? 'he-fan-in';
  const fanIn = o.kernel * o.kernel * channels(x);
  const seed = (what: string) => weightSeed(ctx.seed, `${name}/${what}`);
  const bound = 1 / Math.sqrt(fanIn);
  const uniform = (what: string) => tfl.initializers.randomUniform({ minval: -bound, maxval: bound, seed: seed(what) });
  const fan = init === 'he-fan-out' ? o.kernel * o.kernel * o.filters : fanIn;
  const kernelInitializer =
    init === 'pytorch-default' ? uniform('kernel') : tfl.initializers.randomNormal({ mean: 0, stddev: Math.sqrt(2 / fan), seed: seed('kernel') });
  return apply(
    tfl.layers.conv2d({
      name,
      filters: o.filters,
      kernelSize: o.kernel,
      strides: stride,
      padding,
      useBias: o.bias ?? false,
      activation: o.activation,
      kernelInitializer,
      biasInitializer: init === 'pytorch-default' ? uniform('bias') : 'zeros',
    }),
    x,
  );
}

/** Fully connected layer with PyTorch's default init: kernel and bias U(-1/sqrt(in), 1/sqrt(in)). */
export function dense(ctx: BuildContext, x: Tensor, name: string, units: number, activation?: 'relu'): Tensor {
  const bound = 1 / Math.sqrt(channels(x));
  const uniform = (what: string) =>
    tfl.initializers.randomUniform({ minval: -bound, maxval: bound, seed: weightSeed(ctx.seed, `${name}/${what}`) });
  return apply(
    tfl.layers.dense({
      name,
      units,
      activation,
      kernelInitializer: uniform('kernel'),
      biasInitializer: uniform('bias'),
    }),
    x,
  );
}

/** BatchNorm with PyTorch's defaults: running-average momentum 0.1 (tfjs counts 1 - 0.1) and eps 1e-5. */
export function batchNorm(x: Tensor, name: string): Tensor {
  return apply(tfl.layers.batchNormalization({ name, momentum: 0.9, epsilon: 1e-5 }), x);
}

export function relu(x: Tensor, name: string): Tensor {
  return apply(tfl.layers.reLU({ name }), x);
}

export function add(xs: Tensor[], name: string): Tensor {
  return apply(tfl.layers.add({ name }), xs);
}

export function maxPool(x: Tensor, name: string, size: number, stride: number): Tensor {
  return apply(tfl.layers.maxPooling2d({ name, poolSize: size, strides: stride, padding: 'valid' }), x);
}

export function zeroPad(x: Tensor, name: string, padding: number | [[number, number], [number, number]]): Tensor {
  return apply(tfl.layers.zeroPadding2d({ name, padding }), x);
}

export function globalAvgPool(x: Tensor, name: string): Tensor {
  return apply(tfl.layers.globalAveragePooling2d({ name }), x);
}

export function flatten(x: Tensor, name: string): Tensor {
  return apply(tfl.layers.flatten({ name }), x);
}

/** Unseeded on purpose: a seeded tfjs dropout draws the same mask at every call. */
export function dropout(x: Tensor, name: string, rate: number): Tensor {
  return rate > 0 ? apply(tfl.layers.dropout({ name, rate }), x) : x;
}

export function subsample(x: Tensor, name: string): Tensor {
  return apply(tfl.layers.averagePooling2d({ name, poolSize: 1, strides: 2, padding: 'valid' }), x);
}

export function permute(x: Tensor, name: string, dims: number[]): Tensor {
  return apply(tfl.layers.permute({ name, dims }), x);
}
