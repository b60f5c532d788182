// Deterministic random streams keyed by a position in the run (seed, epoch, step, role...),
// never by process state: the same key gives the same numbers in any process, so sequential
// and parallel RWP, and a resumed run, draw identical values.

/** Mixes 32-bit words into a well-spread 32-bit hash (murmur3 finaliser steps). */
function mix32(h: number, word: number): number {
  let k = Math.imul(word >>> 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) >>> 0;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function keyWords(key: ReadonlyArray<number | string>): number[] {
  const words: number[] = [];
  for (const part of key) {
    if (typeof part === 'number') {
      if (!Number.isInteger(part) || part < 0 || part > Number.MAX_SAFE_INTEGER) {
        throw new RangeError(`random key parts must be non-negative integers or strings, got ${part}`);
      }
      words.push(part >>> 0, Math.floor(part / 2 ** 32) >>> 0);
    } else {
      words.push(0x9e3779b9 ^ part.length);
      for (let i = 0; i < part.length; i++) words.push(part.charCodeAt(i));
    }
  }
  return words;
}

/** xoshiro128** seeded from a hash of the key. */
export class RandomStream {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = NaN;

  constructor(key: ReadonlyArray<number | string>) {
    const words = keyWords(key);
    const seeds = [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344].map((salt) => {
      let h = salt;
      for (const w of words) h = mix32(h, w);
      return fmix32(h ^ words.length);
    });
    [this.s0, this.s1, this.s2, this.s3] = seeds;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(((Math.imul(this.s1, 5) << 7) | (Math.imul(this.s1, 5) >>> 25)), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Box-Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const v = this.spare;
      this.spare = NaN;
      return v;
    }
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Fills `out` with N(0, std^2) samples. */
  fillNormal(out: Float32Array, std = 1): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.normal() * std;
    return out;
  }

  /** Fisher-Yates permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}

/** The stream for one position in the run, e.g. streamFor(seed, 'shuffle', epoch). */
export function streamFor(...key: Array<number | string>): RandomStream {
  return new RandomStream(key);
}
