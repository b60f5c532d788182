/** 32-bit FNV-1a hash of a run id's UTF-8 bytes; stamped on every data frame. */
export function runIdHash(runId: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(runId, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * "rwp-<run id hash>-<master port>": what a run leaves on a host (its ring's unix socket
 * directory, its shared-memory regions) is named from this, so the launcher can find and remove
 * it and two runs never share a name.
 */
export function runKey(runId: string, masterPort: number): string {
  return `rwp-${runIdHash(runId).toString(16).padStart(8, '0')}-${masterPort}`;
}
