// The checkpoint layout before checksums (RWPCKPT1), as the writer of cd0d4a4 wrote it, for tests
// that a run still resumes from such a file: an 8-byte magic, the header's length (u32 LE), a JSON
// header of the meta and each array's name and length, zero padding to a multiple of 4, the arrays.
import { writeFileSync } from 'node:fs';
import type { Checkpoint } from '../checkpoint.js';

export function encodeV1(ckpt: Checkpoint): Buffer {
  const names = Object.keys(ckpt.arrays);
  const header = Buffer.from(JSON.stringify({ meta: ckpt.meta, arrays: names.map((n) => ({ name: n, length: ckpt.arrays[n].length })) }));
  const lead = Buffer.alloc(12);
  lead.write('RWPCKPT1', 0, 'latin1');
  lead.writeUInt32LE(header.length, 8);
  const pad = Buffer.alloc((4 - ((12 + header.length) % 4)) % 4);
  return Buffer.concat([lead, header, pad, ...names.map((n) => Buffer.from(ckpt.arrays[n].buffer, ckpt.arrays[n].byteOffset, ckpt.arrays[n].byteLength))]);
}

export function writeV1(path: string, ckpt: Checkpoint): void {
  writeFileSync(path, encodeV1(ckpt));
}
