// A small generated dataset for tests and benchmarks: each class has a fixed smooth pattern
// (a few random low-frequency waves per channel) and every sample is its class's pattern plus
// uniform noise, so a model can learn it quickly. Deterministic from the seed.
import { streamFor, type RandomStream } from '@rwp/random';
import type { Dataset } from './dataset.js';
import { ArraySource, sharedBytes, type ImageSource } from './image-source.js';

export interface SyntheticOptions {
  height?: number;
  width?: number;
  channels?: number;
  numClasses?: number;
  trainCount?: number;
  testCount?: number;
  seed?: number;
  /** Half-width of the uniform pixel noise, in 0-255 units. */
  noise?: number;
}

const WAVES = 3;

function classPattern(rng: RandomStream, height: number, width: number, channels: number): Float64Array {
  const pattern = new Float64Array(height * width * channels).fill(128);
  for (let c = 0; c < channels; c++) {
    for (let k = 0; k < WAVES; k++) {
      const fy = rng.int(5) - 2;
      const fx = rng.int(5) - 2;
      const phase = 2 * Math.PI * rng.uniform();
      const amplitude = 20 + 30 * rng.uniform();
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          pattern[(y * width + x) * channels + c] += amplitude * Math.cos(2 * Math.PI * (fy * y / height + fx * x / width) + phase);
        }
      }
    }
  }
  return pattern;
}

function makeSplit(patterns: Float64Array[], count: number, noise: number, rng: RandomStream, shape: [number, number, number]): ArraySource {
  const imageBytes = shape[0] * shape[1] * shape[2];
  const pixels = sharedBytes(count * imageBytes);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % patterns.length;
    labels[i] = label;
    const pattern = patterns[label];
    for (let p = 0; p < imageBytes; p++) {
      const v = pattern[p] + noise * (2 * rng.uniform() - 1);
      pixels[i * imageBytes + p] = Math.min(255, Math.max(0, Math.round(v)));
    }
  }
  return new ArraySource(shape[0], shape[1], shape[2], pixels, labels);
}

function channelStats(src: ArraySource): { mean: number[]; std: number[] } {
  const c = src.channels;
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  for (let p = 0; p < src.pixels.length; p++) {
    const v = src.pixels[p] / 255;
    sum[p % c] += v;
    sq[p % c] += v * v;
  }
  const n = src.pixels.length / c;
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(sq, (s, i) => Math.sqrt(Math.max(s / n - mean[i] * mean[i], 1e-12)));
  return { mean, std };
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`synthetic: ${name} must be a positive integer, got ${value}`);
  return value;
}

export function makeSynthetic(opts: SyntheticOptions = {}): Dataset<ImageSource> {
  const height = positiveInt('height', opts.height ?? 32);
  const width = positiveInt('width', opts.width ?? 32);
  const channels = positiveInt('channels', opts.channels ?? 3);
  const numClasses = positiveInt('numClasses', opts.numClasses ?? 10);
  const trainCount = positiveInt('trainCount', opts.trainCount ?? 2048);
  const testCount = positiveInt('testCount', opts.testCount ?? 512);
  const seed = opts.seed ?? 0;
  const noise = opts.noise ?? 40;
  if (!(noise >= 0)) throw new RangeError(`synthetic: noise must be >= 0, got ${noise}`);
  const patterns = Array.from({ length: numClasses }, (_, c) =>
    classPattern(streamFor(seed, 'synthetic', 'class', c), height, width, channels),
  );
  const shape: [number, number, number] = [height, width, channels];
  const train = makeSplit(patterns, trainCount, noise, streamFor(seed, 'synthetic', 'train'), shape);
  const test = makeSplit(patterns, testCount, noise, streamFor(seed, 'synthetic', 'test'), shape);
  return { name: 'synthetic', numClasses, train, test, ...channelStats(train) };
}
