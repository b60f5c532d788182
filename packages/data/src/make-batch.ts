// One batch: read the images, augment (random crop with zero padding, or an image folder's
// random resized crop; horizontal flip), normalise per channel, then cutout on the normalised
// values, as the original's transforms do.
import type { RandomStream } from '@rwp/random';
import { checkCropRange, type ResizedCropRange } from './crop-params.js';
import type { Source } from './dataset.js';
import { DataError } from './errors.js';
import type { ImageSource } from './image-source.js';

export interface Augment {
  /** Random crop after zero-padding every side by this many pixels (the original: 4). */
  crop?: number;
  /** Image folders only: torchvision's RandomResizedCrop over this range (instead of the evaluation resize and centre crop). */
  resizedCrop?: ResizedCropRange;
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
  /** Files left out of the batch as unreadable (only with skipBadImages); x and y hold the others. */
  skipped?: string[];
}

export interface AsyncBatchOptions extends BatchOptions {
  /** Leave an unreadable image out of its batch (listed in `skipped`) instead of failing the batch. */
  skipBadImages?: boolean;
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
  return a !== undefined && ((a.crop ?? 0) > 0 || a.flip === true || a.cutout !== undefined || a.resizedCrop !== undefined);
}

/** The buffers and per-batch constants every image of a batch is written with. */
interface Writer {
  x: Float32Array;
  y: Int32Array;
  H: number;
  W: number;
  C: number;
  imageSize: number;
  augment: Augment;
  rng: RandomStream | undefined;
  table: Float32Array;
}

function writer(src: Source, n: number, opts: BatchOptions, out: Batch | undefined): Writer {
  const { height: H, width: W, channels: C } = src;
  const imageSize = H * W * C;
  const x = out?.x ?? new Float32Array(n * imageSize);
  const y = out?.y ?? new Int32Array(n);
  if (x.length !== n * imageSize || y.length !== n) {
    throw new RangeError(`makeBatch: out buffers hold ${x.length} values and ${y.length} labels, need ${n * imageSize} and ${n}`);
  }
  const augment = opts.augment ?? {};
  if (isAugmenting(augment) && opts.rng === undefined) throw new RangeError('makeBatch: augmentation needs an rng');
  const pad = augment.crop ?? 0;
  if (!Number.isInteger(pad) || pad < 0) throw new RangeError(`makeBatch: crop padding must be a non-negative integer, got ${pad}`);
  if (augment.resizedCrop) checkCropRange(augment.resizedCrop);
  return { x, y, H, W, C, imageSize, augment, rng: opts.rng, table: normaliseTable(opts.mean, opts.std, C) };
}

/** Normalises one image into x at `base`, mirrored when `flip`: no shift, so no bounds to check (0.21 ms per 224 x 224 image against the general loop's 0.38). */
function normaliseRows(w: Writer, base: number, pixels: Uint8Array, flip: boolean): void {
  const { x, H, W, C, table } = w;
  const rowLength = W * C;
  for (let r = 0; r < H; r++) {
    const row = r * rowLength;
    let o = base + row;
    if (C === 3) {
      const step = flip ? -3 : 3;
      for (let s = flip ? row + rowLength - 3 : row, n = 0; n < W; n++, s += step, o += 3) {
        x[o] = table[pixels[s]];
        x[o + 1] = table[256 + pixels[s + 1]];
        x[o + 2] = table[512 + pixels[s + 2]];
      }
    } else {
      for (let col = 0; col < W; col++) {
        const s = row + (flip ? W - 1 - col : col) * C;
        for (let c = 0; c < C; c++) x[o++] = table[c * 256 + pixels[s + c]];
      }
    }
  }
}

/** Augments and normalises one image's bytes into slot i. Draws happen in a fixed order per image so a given rng key always gives the same batch. */
function writeImage(w: Writer, i: number, pixels: Uint8Array): void {
  const { x, H, W, C, augment, table } = w;
  const rng = w.rng;
  const pad = augment.crop ?? 0;
  const dy = pad > 0 ? rng!.int(2 * pad + 1) - pad : 0;
  const dx = pad > 0 ? rng!.int(2 * pad + 1) - pad : 0;
  const flip = augment.flip === true && rng!.uniform() < 0.5;
  const base = i * w.imageSize;
  if (pad === 0) normaliseRows(w, base, pixels, flip);
  else for (let r = 0; r < H; r++) {
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
  const cutout = augment.cutout;
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

/** A batch of in-memory images. */
export function makeBatch(src: ImageSource, indices: Int32Array, opts: BatchOptions, out?: Batch): Batch {
  const w = writer(src, indices.length, opts, out);
  if (w.augment.resizedCrop) throw new RangeError('makeBatch: a random resized crop needs an image folder');
  const pixels = new Uint8Array(w.imageSize);
  for (let i = 0; i < indices.length; i++) {
    src.readInto(indices[i], pixels, 0);
    w.y[i] = src.labels[indices[i]];
    writeImage(w, i, pixels);
  }
  return { x: w.x, y: w.y };
}

/** A batch of any source: an image folder's images are decoded off this thread, one after another. */
export async function makeBatchAsync(src: Source, indices: Int32Array, opts: AsyncBatchOptions, out?: Batch): Promise<Batch> {
  if (!('readCrop' in src)) return makeBatch(src, indices, opts, out);
  const w = writer(src, indices.length, opts, out);
  const range = w.augment.resizedCrop;
  const crop = range && { range, rng: w.rng! };
  const pixels = new Uint8Array(w.imageSize);
  const skipped: string[] = [];
  let kept = 0;
  for (const index of indices) {
    try {
      await src.readCrop(index, pixels, 0, crop);
    } catch (e) {
      if (!(opts.skipBadImages && e instanceof DataError)) throw e;
      skipped.push(src.files[index]);
      continue;
    }
    w.y[kept] = src.labels[index];
    writeImage(w, kept++, pixels);
  }
  if (skipped.length === 0) return { x: w.x, y: w.y };
  return { x: w.x.subarray(0, kept * w.imageSize), y: w.y.subarray(0, kept), skipped };
}
