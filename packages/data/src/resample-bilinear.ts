// PIL's bilinear Image.resize on 8-bit RGB, value for value: what torchvision 0.14's Resize and
// RandomResizedCrop run on PIL images. Two separable passes, horizontal then vertical, each with
// the triangle filter widened by the scale factor when shrinking (antialiasing), weights in 22-bit
// fixed point and a round to 8 bits between the passes. libvips' resize (vertical first, other
// rounding, another pixel-centre convention when enlarging) lands up to 4 grey levels away when
// shrinking and tens when enlarging; doing it here also makes a batch's bytes independent of
// which SIMD path libvips takes on a given CPU.

/** PIL's PRECISION_BITS for 8-bit images: 32 bits less 8 for the value and 2 of headroom. */
const PRECISION_BITS = 22;
const HALF = 1 << (PRECISION_BITS - 1);

/** Each output position's first source index, tap count and fixed-point weights (PIL's precompute_coeffs). */
interface Taps {
  first: Int32Array;
  count: Int32Array;
  /** count[o] weights for output o, at o * stride. */
  weights: Int32Array;
  stride: number;
}

function taps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale;
  const stride = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * stride);
  const w = new Float64Array(stride);
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    // C's (int) cast truncates toward zero.
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const n = Math.min(Math.trunc(center + support + 0.5), inSize) - lo;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const t = Math.abs((i + lo - center + 0.5) / filterScale);
      w[i] = t < 1 ? 1 - t : 0;
      sum += w[i];
    }
    // Triangle weights are never negative: PIL's rounding of a non-negative weight.
    for (let i = 0; i < n; i++) weights[o * stride + i] = Math.trunc(0.5 + (sum !== 0 ? w[i] / sum : w[i]) * (1 << PRECISION_BITS));
    first[o] = lo;
    count[o] = n;
  }
  return { first, count, weights, stride };
}

function clip8(acc: number): number {
  const v = acc >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** A rectangle of the resized image: only it is computed. */
export interface Window {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Resizes `src` (srcWidth x srcHeight RGB bytes) to width x height and writes the `window` of
 * the result as RGB bytes into `out` at `offset`. Each output value depends only on its own taps,
 * so computing a window gives the same bytes as resizing in full and cropping.
 */
export function resampleBilinear(
  src: Uint8Array,
  srcWidth: number,
  srcHeight: number,
  width: number,
  height: number,
  window: Window,
  out: Uint8Array,
  offset: number,
): void {
  const { left, top, width: ww, height: wh } = window;
  if (src.length !== srcWidth * srcHeight * 3) throw new RangeError(`resampleBilinear: ${src.length} bytes for ${srcWidth}x${srcHeight} RGB`);
  if (left < 0 || top < 0 || ww <= 0 || wh <= 0 || left + ww > width || top + wh > height) {
    throw new RangeError(`resampleBilinear: window ${JSON.stringify(window)} outside ${width}x${height}`);
  }
  const v = height === srcHeight ? null : taps(srcHeight, height);
  // Source rows the vertical pass reads for the window's rows.
  const row0 = v ? v.first[top] : top;
  const rows = v ? v.first[top + wh - 1] + v.count[top + wh - 1] - row0 : wh;
  const rowBytes = ww * 3;
  // Horizontal pass (PIL skips it when the width is unchanged): `rows` rows of the window's columns.
  let mid: Uint8Array;
  let midRowBytes: number;
  let midStart: number;
  if (width === srcWidth) {
    mid = src;
    midRowBytes = srcWidth * 3;
    midStart = row0 * midRowBytes + left * 3;
  } else {
    const h = taps(srcWidth, width);
    mid = new Uint8Array(rows * rowBytes);
    midRowBytes = rowBytes;
    midStart = 0;
    for (let r = 0; r < rows; r++) {
      const inRow = (row0 + r) * srcWidth * 3;
      let o = r * rowBytes;
      for (let x = left; x < left + ww; x++, o += 3) {
        let s0 = HALF, s1 = HALF, s2 = HALF;
        const k = x * h.stride;
        for (let i = 0, p = inRow + h.first[x] * 3; i < h.count[x]; i++, p += 3) {
          const c = h.weights[k + i];
          s0 += src[p] * c;
          s1 += src[p + 1] * c;
          s2 += src[p + 2] * c;
        }
        mid[o] = clip8(s0);
        mid[o + 1] = clip8(s1);
        mid[o + 2] = clip8(s2);
      }
    }
  }
  if (!v) {
    for (let r = 0; r < wh; r++) out.set(mid.subarray(midStart + r * midRowBytes, midStart + r * midRowBytes + rowBytes), offset + r * rowBytes);
    return;
  }
  // Vertical pass: each output row accumulates its source rows whole, in row order.
  const acc = new Int32Array(rowBytes);
  for (let y = top; y < top + wh; y++) {
    acc.fill(HALF);
    const k = y * v.stride;
    for (let i = 0; i < v.count[y]; i++) {
      const c = v.weights[k + i];
      const p = midStart + (v.first[y] + i - row0) * midRowBytes;
      for (let b = 0; b < rowBytes; b++) acc[b] += mid[p + b] * c;
    }
    const o = offset + (y - top) * rowBytes;
    for (let b = 0; b < rowBytes; b++) out[o + b] = clip8(acc[b]);
  }
}
