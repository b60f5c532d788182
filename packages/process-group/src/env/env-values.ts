import { ProcessGroupEnvError } from '../errors.js';

type Env = NodeJS.ProcessEnv;

/** The variable's value with surrounding blanks removed; undefined when unset or empty. */
export function readString(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

export function requireString(env: Env, name: string, why: string): string {
  const v = readString(env, name);
  if (v === undefined) throw new ProcessGroupEnvError(name, `is not set (${why})`);
  return v;
}

/** A decimal integer >= min, or undefined when unset. "1.5", "3x", "-1" are errors. */
export function readInt(env: Env, name: string, min = 0): number | undefined {
  const v = readString(env, name);
  if (v === undefined) return undefined;
  if (!/^[0-9]+$/.test(v)) throw new ProcessGroupEnvError(name, `must be an integer >= ${min}, got "${env[name]}"`);
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) {
    throw new ProcessGroupEnvError(name, `must be an integer >= ${min}, got "${env[name]}"`);
  }
  return n;
}

export function requireInt(env: Env, name: string, min: number, why: string): number {
  const n = readInt(env, name, min);
  if (n === undefined) throw new ProcessGroupEnvError(name, `is not set (${why})`);
  return n;
}

export function readPort(env: Env, name: string): number | undefined {
  const p = readInt(env, name, 1);
  if (p !== undefined && p > 65535) throw new ProcessGroupEnvError(name, `must be a TCP port 1-65535, got ${p}`);
  return p;
}

/** Throws unless value < limit, naming both variables. */
export function checkBelow(name: string, value: number, limitName: string, limit: number): void {
  if (value >= limit) {
    throw new ProcessGroupEnvError(name, `${name}=${value} must be less than ${limitName}=${limit}`);
  }
}
