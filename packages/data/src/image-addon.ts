// The image folder's native code (csrc/): JPEG decoding through libjpeg-turbo and PIL's bilinear
// resize, both synchronous on the calling thread (a decode worker). Built by
// `npm run build:native -w @rwp/data` (scripts/setup.sh runs it).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { CropBox } from './crop-params.js';
import { DataError } from './errors.js';

interface ImageAddon {
  /** The crop's RGB bytes into `out` (width x height x 3); false, nothing written, for a CMYK or YCCK JPEG. Throws with libjpeg's message. */
  decodeJpeg(bytes: Uint8Array, left: number, top: number, width: number, height: number, out: Uint8Array): boolean;
  resampleBilinear(src: Uint8Array, srcWidth: number, srcHeight: number, width: number, height: number, left: number, top: number, winWidth: number, winHeight: number, out: Uint8Array): void;
}

const addonPath = fileURLToPath(new URL('../build/rwp_image.node', import.meta.url));
const FIX = 'install libjpeg-turbo (Debian: apt-get install libjpeg62-turbo-dev; scripts/setup.sh does) and build it (npm run build:native -w @rwp/data)';

let addon: ImageAddon | undefined;

/** The addon, loaded on first use; a DataError saying what to install where it is missing. */
export function requireImageAddon(): ImageAddon {
  if (addon) return addon;
  if (!existsSync(addonPath)) throw new DataError(`image folders need the @rwp/data image addon, which is not built (${addonPath}): ${FIX}`);
  try {
    addon = createRequire(import.meta.url)(addonPath) as ImageAddon;
  } catch (e) {
    throw new DataError(`the @rwp/data image addon (${addonPath}) does not load (${(e as Error).message}): ${FIX}`);
  }
  return addon;
}

/**
 * Decodes the `crop` of a JPEG as RGB bytes into `out`, through libjpeg-turbo; throws with
 * libjpeg's message (code EJPEG) for a corrupt or truncated file. The same library
 * and settings as PIL, so the same pixels as torchvision. Only the crop's rows are decoded in
 * full. False (nothing written) for a CMYK or YCCK JPEG, which libjpeg does not make RGB.
 */
export function decodeJpeg(bytes: Uint8Array, crop: CropBox, out: Uint8Array): boolean {
  return requireImageAddon().decodeJpeg(bytes, crop.left, crop.top, crop.width, crop.height, out);
}

/**
 * PIL's bilinear Image.resize of `src` (srcWidth x srcHeight RGB bytes) to width x height, value
 * for value (csrc/resample-bilinear.c says how), writing the `window` of the result as RGB bytes
 * into `out` at `offset`. Only the window is computed; it equals that rectangle of the full resize.
 */
export function resampleBilinear(src: Uint8Array, srcWidth: number, srcHeight: number, width: number, height: number, window: CropBox, out: Uint8Array, offset: number): void {
  const { left, top, width: ww, height: wh } = window;
  requireImageAddon().resampleBilinear(src, srcWidth, srcHeight, width, height, left, top, ww, wh, out.subarray(offset, offset + ww * wh * 3));
}
