/** 32-bit FNV-1a hash of a run id's UTF-8 bytes; stamped on every data frame. */
export function runIdHash(runId: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(runId, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
