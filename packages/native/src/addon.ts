// Loads the compiled addon (build/rwp_native.node, made by `npm run build:native`) and types it.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'squaredDifference' | 'maximum' | 'minimum';
export type UnaryOp =
  | 'relu'
  | 'relu6'
  | 'leakyRelu'
  | 'step'
  | 'neg'
  | 'square'
  | 'sqrt'
  | 'rsqrt'
  | 'exp'
  | 'log'
  | 'abs'
  | 'sigmoid'
  | 'tanh';
/** Activations the matmul and convolution kernels apply in place (TensorFlow.js names). */
export type FusedActivation = 'linear' | 'relu' | 'relu6' | 'elu' | 'leakyrelu' | 'sigmoid';

/** The addon's functions. Outputs are written into arrays the caller allocates. */
export interface Addon {
  info(): { library: string; isa: string; threads: number };
  setThreads(n: number): void;
  /** geometry: n, inH, inW, inC, outH, outW, outC, filterH, filterW, strideH, strideW, dilationH, dilationW, padTop, padLeft, padBottom, padRight */
  conv2d(
    x: Float32Array,
    filter: Float32Array,
    bias: Float32Array | null,
    out: Float32Array,
    geometry: number[],
    activation: FusedActivation,
    leakyreluAlpha: number,
  ): void;
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, geometry: number[]): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, geometry: number[]): void;
  /** dims: batchA, batchB, m, n, k, transposeA (0/1), transposeB (0/1) */
  matmul(
    a: Float32Array,
    b: Float32Array,
    bias: Float32Array | null,
    out: Float32Array,
    dims: number[],
    activation: FusedActivation,
    leakyreluAlpha: number,
  ): void;
  /** geometry: n, inH, inW, channels, outH, outW, filterH, filterW, strideH, strideW, padTop, padLeft */
  maxPool(x: Float32Array, out: Float32Array, geometry: number[]): void;
  maxPoolGrad(dy: Float32Array, x: Float32Array, dx: Float32Array, geometry: number[]): void;
  avgPool(x: Float32Array, out: Float32Array, geometry: number[]): void;
  avgPoolGrad(dy: Float32Array, dx: Float32Array, geometry: number[]): void;
  binary(
    op: BinaryOp,
    a: Float32Array,
    aShape: number[],
    b: Float32Array,
    bShape: number[],
    out: Float32Array,
    outShape: number[],
  ): void;
  unary(op: UnaryOp, x: Float32Array, out: Float32Array, alpha: number): void;
  addN(xs: Float32Array[], out: Float32Array): void;
  batchNorm(
    x: Float32Array,
    channels: number,
    mean: Float32Array,
    variance: Float32Array,
    offset: Float32Array | null,
    scale: Float32Array | null,
    out: Float32Array,
    epsilon: number,
  ): void;
  /**
   * For every index i of `shape`: dst[dstOffset + i . dstStrides] = src[srcOffset + i . srcStrides]
   * (strides in elements, non-negative; 0 repeats an element).
   */
  copyStrided(
    src: Float32Array,
    srcOffset: number,
    srcStrides: number[],
    dst: Float32Array,
    dstOffset: number,
    dstStrides: number[],
    shape: number[],
  ): void;
  /** Per channel (innermost axis): sumDy = sum of dy, sumDyXc = sum of dy * (x - mean). */
  batchNormSums(
    dy: Float32Array,
    x: Float32Array,
    mean: Float32Array,
    channels: number,
    sumDy: Float32Array,
    sumDyXc: Float32Array,
  ): void;
  /** out = scale * sum of x over axes; false (nothing written) for layouts it does not handle. */
  reduceSum(x: Float32Array, shape: number[], axes: number[], out: Float32Array, scale: number): boolean;
  /**
   * RWP's perturbed weights of one tensor, out = values + z * std (trainer/perturbation.ts's
   * perturbedWeights, bit for bit): `filters` is a kernel's last axis, 0 for a vector.
   */
  perturbFilterwise(values: Float32Array, z: Float32Array, out: Float32Array, filters: number, gamma: number, factors: Float64Array | null): void;
  /**
   * N(0, std^2) draws into out: random/stream.ts's fillNormal, bit for bit, from the generator's
   * `state` (updated in place) and the ziggurat's tables.
   */
  fillNormal(state: Uint32Array, out: Float32Array, std: number, tables: { k: Uint32Array; w: Float64Array; f: Float64Array }): void;
  /** PyTorch SGD in place (trainer/sgd.ts's sgdUpdate, bit for bit); buf = the gradient when `first`. */
  sgdUpdate(w: Float32Array, g: Float32Array, buf: Float32Array, lr: number, momentum: number, weightDecay: number, first: boolean): void;
  /** SAM's ascent weights, out = w + e (trainer/sam.ts's samPerturbation plus the add, bit for bit). */
  samAscent(w: Float32Array, g: Float32Array, rho: number, adaptive: boolean, out: Float32Array): void;
}

/** Every function above: an addon built from older sources lacks some. */
const FUNCTIONS: readonly (keyof Addon)[] = [
  'info', 'setThreads', 'conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter', 'matmul', 'maxPool', 'maxPoolGrad',
  'avgPool', 'avgPoolGrad', 'binary', 'unary', 'addN', 'batchNorm', 'batchNormSums', 'copyStrided', 'reduceSum', 'perturbFilterwise', 'fillNormal',
  'sgdUpdate', 'samAscent',
];

export const addonPath = fileURLToPath(new URL('../build/rwp_native.node', import.meta.url));

let loaded: { addon: Addon } | { error: string } | undefined;

/** The addon, or why it cannot be used; loaded once. */
export function loadAddon(): { addon: Addon } | { error: string } {
  if (loaded) return loaded;
  if (!existsSync(addonPath)) {
    loaded = { error: 'addon not built: run `npm run build:native -w @rwp/native` (needs g++ and libdnnl-dev)' };
    return loaded;
  }
  try {
    const addon = createRequire(import.meta.url)(addonPath) as Addon;
    const missing = FUNCTIONS.filter((f) => typeof addon[f] !== 'function');
    loaded = missing.length
      ? { error: `addon ${addonPath} is out of date (no ${missing.join(', ')}): run \`npm run build:native -w @rwp/native\`` }
      : { addon };
  } catch (e) {
    loaded = { error: `addon ${addonPath} does not load: ${(e as Error).message}` };
  }
  return loaded;
}
