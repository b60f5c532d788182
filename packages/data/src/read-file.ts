import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DataError } from './errors.js';

/** Reads a file, gunzipping it when it starts with the gzip magic; errors name the file. */
export function readMaybeGzipped(path: string): Buffer {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (e) {
    throw new DataError(`${path}: cannot read: ${(e as Error).message}`);
  }
  if (raw.length < 2 || raw[0] !== 0x1f || raw[1] !== 0x8b) return raw;
  try {
    return gunzipSync(raw);
  } catch (e) {
    throw new DataError(`${path}: corrupt or truncated gzip data: ${(e as Error).message}`);
  }
}
