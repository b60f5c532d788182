// PIL's bilinear Image.resize on 8-bit RGB, value for value: what torchvision 0.14's Resize and
// RandomResizedCrop run on PIL images. Two separable passes, horizontal then vertical, each with
// the triangle filter widened by the scale factor when shrinking (antialiasing), weights in 22-bit
// fixed point and a round to 8 bits between the passes. libvips' resize lands several grey levels
// away when shrinking, even run as two sharp passes in PIL's order (its weights are rounded
// otherwise), and tens when enlarging (another pixel-centre convention); doing it here also makes
// a batch's bytes independent of which SIMD path libvips takes on a given CPU.

/** PIL's PRECISION_BITS for 8-bit images: 32 bits less 8 for the value and 2 of headroom. */
const PRECISION_BITS = 22;
const HALF = 1 << (PRECISION_BITS - 1);

/**
 * Each output position's fixed-point weights (PIL's precompute_coeffs and normalize_coeffs_8bpc),
 * `n` per output: PIL's taps padded with zero weights to the most any output has, so one unrolled
 * kernel serves every output. A zero weight adds nothing, so the sums are PIL's.
 */
interface Taps {
  /** Source index of each output's first tap; first + n <= the source size. */
  first: Int32Array;
  /** n weights per output. */
  weights: Int32Array;
  n: number;
}

function taps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale;
  // PIL multiplies by the reciprocal rather than dividing: the last bit of a weight can differ.
  const inverse = 1 / filterScale;
  const lo = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const exact: Float64Array[] = [];
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    // C's (int) cast truncates toward zero.
    lo[o] = Math.max(Math.trunc(center - support + 0.5), 0);
    count[o] = Math.min(Math.trunc(center + support + 0.5), inSize) - lo[o];
    const w = new Float64Array(count[o]);
    let sum = 0;
    for (let i = 0; i < w.length; i++) {
      const t = Math.abs((i + lo[o] - center + 0.5) * inverse);
      w[i] = t < 1 ? 1 - t : 0;
      sum += w[i];
    }
    if (sum !== 0) for (let i = 0; i < w.length; i++) w[i] /= sum;
    exact.push(w);
  }
  const n = Math.max(...count);
  const first = new Int32Array(outSize);
  const weights = new Int32Array(outSize * n);
  for (let o = 0; o < outSize; o++) {
    first[o] = Math.min(lo[o], inSize - n);
    // Triangle weights are never negative: PIL's rounding of a non-negative weight.
    const at = o * n + lo[o] - first[o];
    exact[o].forEach((w, i) => (weights[at + i] = Math.trunc(0.5 + w * (1 << PRECISION_BITS))));
  }
  return { first, weights, n };
}

/** One horizontal-pass row: outputs x0..x1 of source row `row` (a byte index) into `mid` at `o`. */
type RowKernel = (src: Uint8Array, row: number, t: Taps, x0: number, x1: number, mid: Uint8ClampedArray, o: number) => void;
/** One vertical-pass row: `bytes` values from n rows of `mid` `stride` apart, from `p`, with weights from `k`, into `out` at `o`. */
type ColumnKernel = (mid: Uint8Array, p: number, stride: number, weights: Int32Array, k: number, out: Uint8ClampedArray, o: number, bytes: number) => void;

// Kernels for n taps, unrolled: V8 runs a sum of n products written out 3 to 4 times faster
// than a loop over the taps. Writes to a Uint8ClampedArray clip at 255 as PIL's clip8 does
// (sums of non-negative weights are never negative).
const kernels = new Map<number, { row: RowKernel; column: ColumnKernel }>();

function kernelsFor(n: number): { row: RowKernel; column: ColumnKernel } {
  let k = kernels.get(n);
  if (!k) {
    const ts = Array.from({ length: n }, (_, i) => i);
    const row = new Function('src', 'row', 't', 'x0', 'x1', 'mid', 'o', `
      const { first, weights } = t;
      for (let x = x0; x < x1; x++, o += 3) {
        const k = x * ${n}, p = row + first[x] * 3;
        ${ts.map((i) => `const c${i} = weights[k + ${i}];`).join(' ')}
        ${[0, 1, 2].map((ch) => `mid[o + ${ch}] = (${HALF} + ${ts.map((i) => `src[p + ${3 * i + ch}] * c${i}`).join(' + ')}) >> ${PRECISION_BITS};`).join('\n')}
      }`) as RowKernel;
    const column = new Function('mid', 'p', 'stride', 'weights', 'k', 'out', 'o', 'bytes', `
      ${ts.map((i) => `const c${i} = weights[k + ${i}], p${i} = p + ${i} * stride;`).join(' ')}
      for (let b = 0; b < bytes; b++) out[o + b] = (${HALF} + ${ts.map((i) => `mid[p${i} + b] * c${i}`).join(' + ')}) >> ${PRECISION_BITS};`) as ColumnKernel;
    k = { row, column };
    kernels.set(n, k);
  }
  return k;
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
  const rowBytes = ww * 3;
  const clamped = new Uint8ClampedArray(out.buffer, out.byteOffset + offset, wh * rowBytes);
  const v = height === srcHeight ? null : taps(srcHeight, height);
  // Source rows the vertical pass reads for the window's rows.
  const row0 = v ? v.first[top] : top;
  const rows = v ? v.first[top + wh - 1] + v.n - row0 : wh;
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
    const { row } = kernelsFor(h.n);
    const horizontal = new Uint8ClampedArray(rows * rowBytes);
    for (let r = 0; r < rows; r++) row(src, (row0 + r) * srcWidth * 3, h, left, left + ww, horizontal, r * rowBytes);
    mid = new Uint8Array(horizontal.buffer);
    midRowBytes = rowBytes;
    midStart = 0;
  }
  if (!v) {
    for (let r = 0; r < wh; r++) clamped.set(mid.subarray(midStart + r * midRowBytes, midStart + r * midRowBytes + rowBytes), r * rowBytes);
    return;
  }
  const { column } = kernelsFor(v.n);
  for (let y = top; y < top + wh; y++) column(mid, midStart + (v.first[y] - row0) * midRowBytes, midRowBytes, v.weights, y * v.n, clamped, (y - top) * rowBytes, rowBytes);
}
