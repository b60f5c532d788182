// Image files to square 8-bit RGB crops: decoded and cropped by sharp (libvips over mozjpeg's
// libjpeg-turbo and libpng) in native code on libuv's thread pool, then resized with PIL's
// arithmetic (resample-bilinear.ts) on the calling thread, a decode worker. Any format libvips
// reads, greyscale, CMYK, 16-bit and alpha included, becomes 8-bit sRGB without alpha. The whole
// crop is decoded into memory before resizing, as PIL does. Errors name the file.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import type { CropBox } from './crop-params.js';
import { DataError } from './errors.js';
import { imageSize } from './image-header.js';
import { resampleBilinear } from './resample-bilinear.js';

// sharp works on libuv's pool, one per process, of 4 threads unless UV_THREADPOOL_SIZE asks for
// more: more than 4 decode workers would queue for it. The pool reads the variable when it first
// runs, so it is set here, as @rwp/data loads, ahead of the trainer's first file read (worker
// threads share the main thread's pool; setting it there changes nothing).
if (isMainThread && process.env.UV_THREADPOOL_SIZE === undefined) process.env.UV_THREADPOOL_SIZE = String(Math.max(4, availableParallelism()));

// One libvips thread per operation: parallelism comes from the decode workers, each a core, so
// a host with many ranks does not start ranks x workers x cores threads. No operation cache: no
// image is decoded twice.
sharp.concurrency(1);
sharp.cache(false);

/**
 * Images over this many pixels are refused before decoding (a 20,000 x 20,000 photo would take
 * 1.2 GB as RGB). PIL's decompression-bomb error threshold, 2 x 89,478,485.
 */
export const MAX_IMAGE_PIXELS = 178_956_970;

/** How a decoded image becomes the output square. */
export type CropPlan =
  /** Crop `box` of the source, then resize it to size x size (RandomResizedCrop). */
  | { kind: 'crop-resize'; box: CropBox; size: number }
  /** Resize the whole image to width x height, then crop `box` of the result (Resize + CenterCrop). */
  | { kind: 'resize-crop'; width: number; height: number; box: CropBox };

export interface EncodedImage {
  path: string;
  bytes: Buffer;
  width: number;
  height: number;
}

const NOT_AN_IMAGE = /unsupported image format|Input buffer contains unsupported|Input file is missing/i;

function describe(path: string, e: unknown): DataError {
  const message = (e as Error).message ?? String(e);
  if (NOT_AN_IMAGE.test(message)) return new DataError(`${path}: not an image file libvips can read`);
  // libvips' first line is the cause; sharp's "corrupt header" prefix is said of truncated bodies too.
  const cause = message.split('\n')[0].replace(/^Input (buffer|file) has corrupt header: /, '');
  return new DataError(`${path}: corrupt or truncated image: ${cause}`);
}

/** Reads a file and its image header; refuses an empty file, a non-image and an over-large image. */
export async function readEncoded(path: string): Promise<EncodedImage> {
  let bytes: Buffer;
  try {
    // Read synchronously: this runs in a decode worker, where it blocks no one, and a read
    // through libuv's pool costs a hop more per image.
    bytes = readFileSync(path);
  } catch (e) {
    throw new DataError(`${path}: cannot read: ${(e as Error).message}`);
  }
  if (bytes.length === 0) throw new DataError(`${path}: empty file`);
  let size = imageSize(bytes);
  if (size === null) {
    // Another format libvips reads, or a broken header: libvips says which.
    let meta: Metadata;
    try {
      meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    } catch (e) {
      throw describe(path, e);
    }
    size = { width: meta.width ?? 0, height: meta.height ?? 0 };
  }
  const { width, height } = size;
  if (!width || !height) throw new DataError(`${path}: image header has no size`);
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new DataError(`${path}: image of ${width}x${height} pixels is over the limit of ${MAX_IMAGE_PIXELS} pixels`);
  }
  return { path, bytes, width, height };
}

/** Decodes, crops and resizes (PIL's bilinear, see resample-bilinear.ts) to `plan`, writing HWC RGB bytes into `out` at `offset`. */
export async function decodeCrop(img: EncodedImage, plan: CropPlan, out: Uint8Array, offset: number): Promise<void> {
  // failOn 'warning' (sharp's default) turns libjpeg's "premature end of data" into an error,
  // so a truncated file never trains as a half-grey picture.
  let pipeline = sharp(img.bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'warning' });
  // Decoded at full size, without JPEG shrink-on-load (1/2, 1/4 or 1/8 in the DCT domain): that
  // is a different filter from torchvision's, and at ImageNet's sizes it could apply to few crops
  // (1.6% of RandomResizedCrop(224) draws on 333-640 pixel images are 448 x 448 or more).
  if (plan.kind === 'crop-resize') pipeline = pipeline.extract(plan.box);
  let data: Buffer;
  let info: OutputInfo;
  try {
    ({ data, info } = await pipeline.removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true }));
  } catch (e) {
    throw describe(img.path, e);
  }
  const [width, height] = plan.kind === 'crop-resize' ? [plan.box.width, plan.box.height] : [img.width, img.height];
  if (info.channels !== 3 || info.width !== width || info.height !== height) {
    throw new DataError(`${img.path}: decoded to ${info.width}x${info.height}x${info.channels}, expected ${width}x${height} RGB pixels`);
  }
  if (plan.kind === 'crop-resize') resampleBilinear(data, width, height, plan.size, plan.size, { left: 0, top: 0, width: plan.size, height: plan.size }, out, offset);
  else resampleBilinear(data, width, height, plan.width, plan.height, plan.box, out, offset);
}
