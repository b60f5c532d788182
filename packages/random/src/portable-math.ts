// exp and log from +, -, *, / and floor only, each correctly rounded in IEEE double in any
// language, so the addon's copy of the normal sampler (native/csrc/normals.cc, the same
// operations in the same order) draws the same bits as this one. Math.exp and Math.log are
// V8's own and may differ from the C library's in the last bit, which can flip a ziggurat
// rejection. Accurate to a few ulps: the sampler's distribution does not notice.

const LN2_HI = 0.6931471803691238; // ln 2 to 32 bits: k * LN2_HI is exact for the k used here
const LN2_LO = 1.9082149292705877e-10; // ln 2 - LN2_HI
const LOG2E = 1.4426950408889634;
const SQRT1_2 = 0.7071067811865476;
const SQRT2 = 1.4142135623730951;
/** 1/n for the series, multiplied rather than divided by (a division costs ~13 cycles). */
const INV = Float64Array.from({ length: 24 }, (_, n) => (n === 0 ? 0 : 1 / n));

/** e^a for finite a; 0 below about -745 as in IEEE, Infinity above about 709. */
export function portableExp(a: number): number {
  // Beyond these e^a under- or overflows anyway; the scaling loops below would run ~|a| times.
  if (a < -746) return 0;
  if (a > 710) return Infinity;
  // a = k ln2 + r, |r| <= ln2 / 2, then e^r by its Taylor series in Horner form (14 terms:
  // the next is < 1e-17 of the sum) and 2^k by exact halvings or doublings.
  const k = Math.floor(a * LOG2E + 0.5);
  const r = a - k * LN2_HI - k * LN2_LO;
  let p = 1;
  for (let n = 14; n >= 1; n--) p = 1 + r * p * INV[n];
  if (k < 0) for (let i = 0; i > k; i--) p *= 0.5;
  else for (let i = 0; i < k; i++) p *= 2;
  return p;
}

/** ln y for y > 0 (the sampler's y lie in [2^-32, 1]). */
export function portableLog(y: number): number {
  // y = m 2^e with m in [1/sqrt2, sqrt2], then ln m = 2 atanh(s), s = (m - 1) / (m + 1),
  // |s| <= 0.172, by the odd series to s^23 (the next term is < 1e-18).
  let e = 0;
  let m = y;
  while (m < SQRT1_2) {
    m *= 2;
    e--;
  }
  while (m > SQRT2) {
    m *= 0.5;
    e++;
  }
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let q = INV[23];
  for (let n = 21; n >= 1; n -= 2) q = INV[n] + s2 * q;
  return e * LN2_HI + (2 * s * q + e * LN2_LO);
}
