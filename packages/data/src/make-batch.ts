// One batch: read the images, augment (random crop with zero padding, horizontal flip),
// normalise per channel, then cutout on the normalised values, as the original's transforms do.
import type { RandomStream } from '@rwp/random';
import type { ImageSource } from './image-source.js';

export interface Augment {
  /** Random crop after zero-padding every side by this many pixels (the original: 4). */
  crop?: number;
  /** Horizontal flip with probability 0.5. */
  flip?: boolean;
  /** With probability p, zero a size x size square (clipped at the border) at a random centre. */
  cutout?: { size: number; p: number };
}

export interface BatchOptions {
  augment?: Augment;
  /** Per-channel mean and std of pixel/255. */
  mean: number[];
  std: number[];
  /** Required when augmenting; the only source of randomness. */
  rng?: RandomStream;
}

export interface Batch {
  /** NHWC float32, normalised. */
  x: Float32Array;
  y: Int32Array;
}

/** normalised[c * 256 + v] = (v / 255 - mean[c]) / std[c] in float32. */
function normaliseTable(mean: number[], std: number[], channels: number): Float32Array {
  if (mean.length !== channels || std.length !== channels) {
    throw new RangeError(`makeBatch: mean/std have ${mean.length}/${std.length} entries for ${channels} channels`);
  }
  const table = new Float32Array(channels * 256);
  for (let c = 0; c < channels; c++) {
    if (!(std[c] > 0)) throw new RangeError(`makeBatch: std[${c}] must be > 0, got ${std[c]}`);
    for (let v = 0; v < 256; v++) table[c * 256 + v] = (v / 255 - mean[c]) / std[c];
  }
  return table;
}

function isAugmenting(a: Augment | undefined): boolean {
  return a !== undefined && ((a.crop ?? 0) > 0 || a.flip === true || a.cutout !== undefined);
}

export function makeBatch(src: ImageSource, indices: Int32Array, opts: BatchOptions, out?: Batch): Batch {
  const { height: H, width: W, channels: C } = src;
  const imageSize = H * W * C;
  const n = indices.length;
  const x = out?.x ?? new Float32Array(n * imageSize);
  const y = out?.y ?? new Int32Array(n);
  if (x.length !== n * imageSize || y.length !== n) {
    throw new RangeError(`makeBatch: out buffers hold ${x.length} values and ${y.length} labels, need ${n * imageSize} and ${n}`);
  }
  const augment = opts.augment ?? {};
  const rng = opts.rng;
  if (isAugmenting(augment) && rng === undefined) throw new RangeError('makeBatch: augmentation needs an rng');
  const pad = augment.crop ?? 0;
  if (!Number.isInteger(pad) || pad < 0) throw new RangeError(`makeBatch: crop padding must be a non-negative integer, got ${pad}`);
  const cutout = augment.cutout;
  const table = normaliseTable(opts.mean, opts.std, C);
  const pixels = new Uint8Array(imageSize);

  for (let i = 0; i < n; i++) {
    src.readInto(indices[i], pixels, 0);
    y[i] = src.labels[indices[i]];
    // Draws happen in a fixed order per image so a given rng key always gives the same batch.
    const dy = pad > 0 ? rng!.int(2 * pad + 1) - pad : 0;
    const dx = pad > 0 ? rng!.int(2 * pad + 1) - pad : 0;
    const flip = augment.flip === true && rng!.uniform() < 0.5;
    const base = i * imageSize;
    for (let r = 0; r < H; r++) {
      const sr = r + dy;
      const rowOut = base + r * W * C;
      const rowIn = sr * W * C;
      for (let col = 0; col < W; col++) {
        const sc = (flip ? W - 1 - col : col) + dx;
        const o = rowOut + col * C;
        if (sr < 0 || sr >= H || sc < 0 || sc >= W) {
          for (let c = 0; c < C; c++) x[o + c] = table[c * 256];
        } else {
          const s = rowIn + sc * C;
          for (let c = 0; c < C; c++) x[o + c] = table[c * 256 + pixels[s + c]];
        }
      }
    }
    if (cutout !== undefined) {
      const apply = rng!.uniform() < cutout.p;
      const cy = rng!.int(H);
      const cx = rng!.int(W);
      if (apply) {
        const half = Math.floor(cutout.size / 2);
        const r0 = Math.max(0, cy - half), r1 = Math.min(H, cy + half);
        const c0 = Math.max(0, cx - half), c1 = Math.min(W, cx + half);
        for (let r = r0; r < r1; r++) x.fill(0, base + (r * W + c0) * C, base + (r * W + c1) * C);
      }
    }
  }
  return { x, y };
}
