// Deterministic random streams keyed by a position in the run (seed, epoch, step, role...),
// never by process state: the same key gives the same numbers in any process, so sequential
// and parallel RWP, and a resumed run, draw identical values.
import { portableExp, portableLog } from './portable-math.js';

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

const ZIG_R = 3.442619855899;

/** The ziggurat's tables: layer edges x_i, scaled for signed 32-bit draws. */
export interface ZigguratTables {
  /** Fast-path bounds on |hz| per layer. */
  k: Uint32Array;
  /** hz * w[i] is the draw. */
  w: Float64Array;
  /** The density at each layer's edge. */
  f: Float64Array;
}

/**
 * A compiled fillNormal (the addon's): the numbers normal() gives from `state` (s0..s3, left
 * where normal() would leave them), times std, into out.
 */
export type NormalKernel = (state: Uint32Array, out: Float32Array, std: number, tables: ZigguratTables) => void;

// Portable exp and log (and sqrt, which IEEE rounds exactly): the same tables under any engine.
function zigguratTables(): ZigguratTables {
  const m = 2 ** 31;
  const v = 9.91256303526217e-3;
  const k = new Uint32Array(128);
  const w = new Float64Array(128);
  const f = new Float64Array(128);
  let d = ZIG_R;
  let t = d;
  const q = v / portableExp(-0.5 * d * d);
  k[0] = Math.floor((d / q) * m);
  k[1] = 0;
  w[0] = q / m;
  w[127] = d / m;
  f[0] = 1;
  f[127] = portableExp(-0.5 * d * d);
  for (let i = 126; i >= 1; i--) {
    d = Math.sqrt(-2 * portableLog(v / d + portableExp(-0.5 * d * d)));
    k[i + 1] = Math.floor((d / t) * m);
    t = d;
    f[i] = portableExp(-0.5 * d * d);
    w[i] = d / m;
  }
  return { k, w, f };
}

const ZIG = zigguratTables();

/** xoshiro128** seeded from a hash of the key. */
export class RandomStream {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

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

  /**
   * Standard normal by Marsaglia and Tsang's ziggurat (128 layers): one 32-bit draw and a
   * comparison for ~99% of values, where Box-Muller needs a log, a root and two trig calls.
   * The perturbation draws one per weight every step, so this is on the hot path.
   */
  normal(): number {
    let hz = this.nextUint32() | 0;
    let iz = hz & 127;
    if (Math.abs(hz) < ZIG.k[iz]) return hz * ZIG.w[iz];
    for (;;) {
      if (iz === 0) {
        // The tail beyond R, by Marsaglia's exponential method.
        let x: number;
        let y: number;
        do {
          x = -portableLog(1 - this.uniform()) / ZIG_R;
          y = -portableLog(1 - this.uniform());
        } while (y + y < x * x);
        return hz > 0 ? ZIG_R + x : -ZIG_R - x;
      }
      const x = hz * ZIG.w[iz];
      if (ZIG.f[iz] + this.uniform() * (ZIG.f[iz - 1] - ZIG.f[iz]) < portableExp(-0.5 * x * x)) return x;
      hz = this.nextUint32() | 0;
      iz = hz & 127;
      if (Math.abs(hz) < ZIG.k[iz]) return hz * ZIG.w[iz];
    }
  }

  /**
   * Fills `out` with N(0, std^2) samples: the numbers normal() gives, in the same order. The
   * generator's state and the ziggurat's fast path live in locals here (the perturbation draws a
   * model's worth every step); the rare slow path goes through normal() itself. With `kernel`
   * (the addon's), the same numbers from compiled code.
   */
  fillNormal(out: Float32Array, std = 1, kernel?: NormalKernel): Float32Array {
    if (kernel) {
      const state = Uint32Array.of(this.s0, this.s1, this.s2, this.s3);
      kernel(state, out, std, ZIG);
      [this.s0, this.s1, this.s2, this.s3] = state;
      return out;
    }
    const { k, w } = ZIG;
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    for (let i = 0; i < out.length; i++) {
      const m = Math.imul(s1, 5);
      const hz = Math.imul((m << 7) | (m >>> 25), 9);
      const iz = hz & 127;
      if (Math.abs(hz) >= k[iz]) {
        // The rare slow path: normal() redoes this draw, from the state before it, with every
        // rejection branch.
        this.s0 = s0;
        this.s1 = s1;
        this.s2 = s2;
        this.s3 = s3;
        out[i] = this.normal() * std;
        s0 = this.s0;
        s1 = this.s1;
        s2 = this.s2;
        s3 = this.s3;
        continue;
      }
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      out[i] = hz * w[iz] * std;
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
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
