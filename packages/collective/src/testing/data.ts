// Deterministic test inputs, so a test can rebuild every rank's data to compute the reference.

/** Values in [-1, 1) for one rank and buffer length; xorshift32 seeded by both. */
export function rankData(rank: number, length: number, salt = 0): Float32Array {
  let x = (Math.imul(rank + 1, 0x9e3779b1) ^ Math.imul(length + 1, 0x85ebca6b) ^ Math.imul(salt + 1, 0xc2b2ae35)) >>> 0 || 1;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    // Spread magnitudes over a few binades so rounding actually happens.
    out[i] = ((x / 0x100000000) * 2 - 1) * 2 ** ((x & 7) - 3);
  }
  return out;
}

/** Rank 0 runs allreduce(sum) on this many elements as op #1 against the rogue rank 1 of a group of 2. */
export const ROGUE_TARGET_LENGTH = 1000;
