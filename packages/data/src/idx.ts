// The IDX format of MNIST and Fashion-MNIST: a 4-byte magic (0, 0, type, number of dimensions),
// one big-endian uint32 per dimension, then the data. Only unsigned bytes (type 0x08) occur.
import { DataError } from './errors.js';
import { readMaybeGzipped } from './read-file.js';

const UBYTE = 0x08;

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Parses an IDX file (raw or gzipped) that must have `ndims` dimensions. */
export function readIdx(path: string, ndims: number): IdxArray {
  const buf = readMaybeGzipped(path);
  const headerBytes = 4 + 4 * ndims;
  if (buf.length < 4) throw new DataError(`${path}: truncated IDX file: ${buf.length} bytes, no header`);
  if (buf[0] !== 0 || buf[1] !== 0 || buf[2] !== UBYTE || buf[3] !== ndims) {
    const magic = buf.readUInt32BE(0).toString(16).padStart(8, '0');
    const want = (UBYTE * 256 + ndims).toString(16).padStart(8, '0');
    throw new DataError(`${path}: bad IDX magic 0x${magic}, expected 0x${want} (unsigned bytes, ${ndims} dimensions)`);
  }
  if (buf.length < headerBytes) {
    throw new DataError(`${path}: truncated IDX header: ${buf.length} bytes, need ${headerBytes}`);
  }
  const dims: number[] = [];
  for (let d = 0; d < ndims; d++) dims.push(buf.readUInt32BE(4 + 4 * d));
  const expected = dims.reduce((a, b) => a * b, 1);
  const found = buf.length - headerBytes;
  if (found < expected) {
    throw new DataError(`${path}: truncated: dimensions ${dims.join('x')} need ${expected} data bytes, found ${found}`);
  }
  if (found > expected) {
    throw new DataError(`${path}: ${found - expected} bytes after the ${dims.join('x')} data; not an IDX file of that shape`);
  }
  return { dims, data: buf.subarray(headerBytes) };
}
