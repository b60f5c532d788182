// What a model is built from, and the checks that turn a bad spec (often read from a config
// file) into an error naming the field, before TensorFlow.js fails somewhere deep inside.

export const ARCHS = Object.freeze(['mlp', 'cnn', 'resnet20', 'resnet18', 'vgg16bn', 'wrn16_8', 'wrn28_10'] as const);

export type Arch = (typeof ARCHS)[number];

export interface ModelSpec {
  arch: Arch;
  /** [height, width, channels] of one input image (NHWC without the batch axis). */
  inputShape: [number, number, number];
  numClasses: number;
  /** resnet18 only: torchvision's ImageNet ResNet-18 (7x7 stride-2 stem, max-pool). */
  imagenet?: boolean;
  /** Multiplier on every hidden width (channels, hidden units); 1, the default, is the published model. */
  width?: number;
  /** Seed of every initializer; the same seed gives bitwise equal weights. Default 0. */
  seed?: number;
  /** Dropout rate where the original has dropout: vgg16bn's classifier (default 0.5), wrn units (default 0). */
  dropout?: number;
}

/** Throws an error naming the first field of `spec` that cannot build a model. */
export function validateSpec(spec: ModelSpec): void {
  if (typeof spec !== 'object' || spec === null) {
    throw new TypeError(`model spec must be an object, got ${String(spec)}`);
  }
  if (!(ARCHS as readonly string[]).includes(spec.arch)) {
    throw new RangeError(`unknown model arch ${JSON.stringify(spec.arch)}; expected one of: ${ARCHS.join(', ')}`);
  }
  const shape = spec.inputShape as unknown;
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new RangeError(
      `model inputShape must be [height, width, channels] of positive integers, got ${JSON.stringify(shape)}`,
    );
  }
  if (!Number.isInteger(spec.numClasses) || spec.numClasses < 1) {
    throw new RangeError(`model numClasses must be a positive integer, got ${spec.numClasses}`);
  }
  if (spec.imagenet !== undefined && typeof spec.imagenet !== 'boolean') {
    throw new TypeError(`model imagenet must be true or false, got ${JSON.stringify(spec.imagenet)}`);
  }
  if (spec.imagenet === true && spec.arch !== 'resnet18') {
    throw new RangeError(`model imagenet: true exists only for arch resnet18, not ${spec.arch}`);
  }
  if (spec.width !== undefined && !(Number.isFinite(spec.width) && spec.width > 0)) {
    throw new RangeError(`model width must be a positive number, got ${spec.width}`);
  }
  if (spec.seed !== undefined && !(Number.isSafeInteger(spec.seed) && spec.seed >= 0)) {
    throw new RangeError(`model seed must be a non-negative integer, got ${spec.seed}`);
  }
  if (spec.dropout !== undefined && !(spec.dropout >= 0 && spec.dropout < 1)) {
    throw new RangeError(`model dropout must be in [0, 1), got ${spec.dropout}`);
  }
  if (spec.dropout !== undefined && !['vgg16bn', 'wrn16_8', 'wrn28_10'].includes(spec.arch)) {
    throw new RangeError(`model dropout is defined for vgg16bn, wrn16_8 and wrn28_10, not ${spec.arch}`);
  }
}

/** Throws unless the input is at least `min` x `min` pixels, naming the arch and why. */
export function requireMinSize(spec: ModelSpec, min: number, why: string): void {
  const [h, w] = spec.inputShape;
  if (h < min || w < min) {
    throw new RangeError(`model ${spec.arch} needs an input of at least ${min}x${min} (${why}), got ${h}x${w}`);
  }
}
