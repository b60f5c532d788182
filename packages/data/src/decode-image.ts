// JPEG and PNG files to RGB bytes, recognised by their content rather than their extension.
import { readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DataError } from './errors.js';

export interface RgbImage {
  width: number;
  height: number;
  /** HWC, 3 channels. */
  data: Uint8Array;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function isPng(buf: Buffer): boolean {
  return buf.length >= 8 && PNG_SIGNATURE.every((b, i) => buf[i] === b);
}

function isJpeg(buf: Buffer): boolean {
  return buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff;
}

function rgbaToRgb(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0, q = 0; q < rgb.length; p += 4, q += 3) {
    rgb[q] = rgba[p];
    rgb[q + 1] = rgba[p + 1];
    rgb[q + 2] = rgba[p + 2];
  }
  return rgb;
}

export function decodeImage(path: string): RgbImage {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new DataError(`${path}: cannot read: ${(e as Error).message}`);
  }
  try {
    if (isJpeg(buf)) {
      // formatAsRGBA false gives 3 channels, greyscale expanded to RGB.
      const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: false });
      return { width: img.width, height: img.height, data: img.data };
    }
    if (isPng(buf)) {
      // pngjs normalises every colour type and bit depth to 8-bit RGBA; alpha is dropped.
      const img = PNG.sync.read(buf);
      return { width: img.width, height: img.height, data: rgbaToRgb(img.data, img.width, img.height) };
    }
  } catch (e) {
    throw new DataError(`${path}: corrupt image: ${(e as Error).message}`);
  }
  throw new DataError(`${path}: not a JPEG or PNG file`);
}
