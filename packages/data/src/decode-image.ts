// Image files to square 8-bit RGB crops, in native code. A JPEG (greyscale, YCbCr or RGB) is
// decoded by libjpeg-turbo on the calling thread, a decode worker (image-addon.ts): the library
// and settings PIL uses, and 5-6x faster here than libvips' JPEG load through sharp. Any other
// image (PNG, CMYK JPEG, 16-bit, alpha: whatever libvips reads) is decoded by sharp on libuv's
// pool and becomes 8-bit sRGB without alpha. Then PIL's bilinear resize (image-addon.ts). The
// whole crop is decoded into memory before resizing, as PIL does. Errors name the file.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import type { Metadata, OutputInfo, Sharp, SharpOptions } from 'sharp';
import type { CropBox } from './crop-params.js';
import { DataError } from './errors.js';
import { imageSize } from './image-header.js';
import { decodeJpeg, resampleBilinear } from './image-addon.js';

// sharp (images other than RGB JPEGs) works on libuv's pool, one per process, of 4 threads
// unless UV_THREADPOOL_SIZE asks for more: more than 4 decode workers would queue for it. The
// pool reads the variable when it first runs, so it is set here, as @rwp/data loads, ahead of
// the trainer's first file read (worker threads share the main thread's pool; setting it there
// changes nothing).
if (isMainThread && process.env.UV_THREADPOOL_SIZE === undefined) process.env.UV_THREADPOOL_SIZE = String(Math.max(4, availableParallelism()));

let libvips: Promise<(input: Buffer, options: SharpOptions) => Sharp> | undefined;

/**
 * sharp, loaded on first use: a folder of RGB JPEGs never needs it, and loading it costs a decode
 * worker ~0.15 s of CPU at start. One libvips thread per operation: parallelism comes from the
 * decode workers, each a core, so a host with many ranks does not start ranks x workers x cores
 * threads. No operation cache: no image is decoded twice.
 */
function sharp(): Promise<(input: Buffer, options: SharpOptions) => Sharp> {
  libvips ??= import('sharp').then(({ default: load }) => {
    load.concurrency(1);
    load.cache(false);
    return load;
  });
  return libvips;
}

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
      meta = await (await sharp())(bytes, { limitInputPixels: false }).metadata();
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

// Decoded pixels of this thread's current JPEG, kept from image to image: a fresh array for each
// (up to 1.2 MB at ImageNet's sizes) costs its zeroing and page faults every time.
let scratch = new Uint8Array(0);

/**
 * The `box` of a JPEG that libjpeg-turbo makes RGB, as RGB bytes valid until the next call on
 * this thread (synchronous, so no other image's decode comes between); null for anything else.
 */
function decodeJpegBox(img: EncodedImage, box: CropBox): Uint8Array | null {
  if (img.bytes[0] !== 0xff || img.bytes[1] !== 0xd8) return null;
  const length = box.width * box.height * 3;
  if (scratch.length < length) scratch = new Uint8Array(length);
  const pixels = scratch.subarray(0, length);
  try {
    return decodeJpeg(img.bytes, box, pixels) ? pixels : null;
  } catch (e) {
    if ((e as { code?: string }).code !== 'EJPEG') throw e;
    throw new DataError(`${img.path}: corrupt or truncated image: ${(e as Error).message}`);
  }
}

/** The `box` of any image libvips reads, as 8-bit sRGB bytes. */
async function decodeWithLibvips(img: EncodedImage, box: CropBox): Promise<Uint8Array> {
  // failOn 'warning' (sharp's default) turns libpng's or libjpeg's warnings into errors, as
  // libjpeg-turbo's are in decodeJpegBox, so a truncated file never trains as a half-grey picture.
  let pipeline = (await sharp())(img.bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'warning' });
  if (box.width !== img.width || box.height !== img.height) pipeline = pipeline.extract(box);
  let data: Buffer;
  let info: OutputInfo;
  try {
    ({ data, info } = await pipeline.removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true }));
  } catch (e) {
    throw describe(img.path, e);
  }
  if (info.channels !== 3 || info.width !== box.width || info.height !== box.height) {
    throw new DataError(`${img.path}: decoded to ${info.width}x${info.height}x${info.channels}, expected ${box.width}x${box.height} RGB pixels`);
  }
  return data;
}

/** Decodes, crops and resizes (PIL's bilinear) to `plan`, writing HWC RGB bytes into `out` at `offset`. */
export async function decodeCrop(img: EncodedImage, plan: CropPlan, out: Uint8Array, offset: number): Promise<void> {
  // Decoded at full size, without JPEG shrink-on-load (1/2, 1/4 or 1/8 in the DCT domain): that
  // is a different filter from torchvision's, and at ImageNet's sizes it could apply to few crops
  // (1.6% of RandomResizedCrop(224) draws on 333-640 pixel images are 448 x 448 or more).
  const box = plan.kind === 'crop-resize' ? plan.box : { left: 0, top: 0, width: img.width, height: img.height };
  const pixels = decodeJpegBox(img, box) ?? (await decodeWithLibvips(img, box));
  if (plan.kind === 'crop-resize') {
    resampleBilinear(pixels, box.width, box.height, plan.size, plan.size, { left: 0, top: 0, width: plan.size, height: plan.size }, out, offset);
  } else {
    resampleBilinear(pixels, img.width, img.height, plan.width, plan.height, plan.box, out, offset);
  }
}
