// Resize so the shorter side is `size`, then take the centre size x size square, with a
// separable triangle (bilinear) filter widened on downscaling so it averages rather than aliases.
import type { RgbImage } from './decode-image.js';

interface Taps {
  start: Int32Array;
  count: Int32Array;
  weights: Float64Array;
  stride: number;
}

/** Filter taps for `outCount` outputs starting at `outStart` of a srcLen -> dstLen resampling. */
function taps(srcLen: number, dstLen: number, outStart: number, outCount: number): Taps {
  const scale = srcLen / dstLen;
  const support = Math.max(scale, 1);
  const stride = Math.ceil(2 * support) + 2;
  const start = new Int32Array(outCount);
  const count = new Int32Array(outCount);
  const weights = new Float64Array(outCount * stride);
  for (let o = 0; o < outCount; o++) {
    const center = (outStart + o + 0.5) * scale;
    const lo = Math.max(0, Math.floor(center - support));
    const hi = Math.min(srcLen, Math.ceil(center + support));
    let total = 0;
    let n = 0;
    for (let i = lo; i < hi; i++, n++) {
      const w = Math.max(0, 1 - Math.abs(i + 0.5 - center) / support);
      weights[o * stride + n] = w;
      total += w;
    }
    for (let k = 0; k < n; k++) weights[o * stride + k] /= total;
    start[o] = lo;
    count[o] = n;
  }
  return { start, count, weights, stride };
}

/** Writes the size x size x 3 centre crop of the resized image into `out` at `offset`. */
export function resizeCenterCrop(img: RgbImage, size: number, out: Uint8Array, offset: number): void {
  const { width: sw, height: sh, data } = img;
  const scale = size / Math.min(sw, sh);
  const tw = Math.max(size, Math.round(sw * scale));
  const th = Math.max(size, Math.round(sh * scale));
  const tx = taps(sw, tw, Math.floor((tw - size) / 2), size);
  const ty = taps(sh, th, Math.floor((th - size) / 2), size);

  // Horizontal pass over only the source rows the vertical pass reads.
  const rowLo = ty.start[0];
  const rowHi = ty.start[size - 1] + ty.count[size - 1];
  const tmp = new Float64Array((rowHi - rowLo) * size * 3);
  for (let y = rowLo; y < rowHi; y++) {
    const srcRow = y * sw * 3;
    const tmpRow = (y - rowLo) * size * 3;
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0;
      const w0 = x * tx.stride;
      for (let k = 0, s = srcRow + tx.start[x] * 3; k < tx.count[x]; k++, s += 3) {
        const w = tx.weights[w0 + k];
        r += w * data[s];
        g += w * data[s + 1];
        b += w * data[s + 2];
      }
      tmp[tmpRow + x * 3] = r;
      tmp[tmpRow + x * 3 + 1] = g;
      tmp[tmpRow + x * 3 + 2] = b;
    }
  }
  for (let y = 0; y < size; y++) {
    const w0 = y * ty.stride;
    for (let x = 0; x < size * 3; x++) {
      let v = 0;
      for (let k = 0, s = (ty.start[y] - rowLo) * size * 3 + x; k < ty.count[y]; k++, s += size * 3) {
        v += ty.weights[w0 + k] * tmp[s];
      }
      out[offset + y * size * 3 + x] = Math.min(255, Math.max(0, Math.round(v)));
    }
  }
}
