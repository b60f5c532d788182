// Worker thread of CheckpointWriter: checksums and writes one checkpoint from the snapshot it is
// handed, then hands the snapshot back for the next one.
import { parentPort } from 'node:worker_threads';
import { writeCheckpoint, type CheckpointMeta } from './checkpoint.js';

export interface WriteRequest {
  runDir: string;
  keep: number;
  meta: CheckpointMeta;
  names: string[];
  lengths: number[];
  /** The arrays laid end to end, in the order of `names`. */
  snapshot: ArrayBuffer;
}

/** Asks for a snapshot buffer of `bytes`, its pages touched here rather than on the training thread. */
export interface AllocRequest {
  alloc: number;
}

export interface WriteReply {
  snapshot: ArrayBuffer;
  /** Set when the write failed: the error's name (DiskWriteError for the disk's), message and stack. */
  error?: { name: string; message: string; stack?: string };
}

parentPort?.on('message', (r: WriteRequest | AllocRequest) => {
  if ('alloc' in r) {
    const snapshot = new ArrayBuffer(r.alloc);
    new Uint8Array(snapshot).fill(1);
    parentPort!.postMessage({ snapshot } satisfies WriteReply, [snapshot]);
    return;
  }
  const arrays: Record<string, Float32Array> = {};
  let off = 0;
  r.names.forEach((name, i) => {
    arrays[name] = new Float32Array(r.snapshot, off, r.lengths[i]);
    off += r.lengths[i] * 4;
  });
  const reply: WriteReply = { snapshot: r.snapshot };
  try {
    writeCheckpoint(r.runDir, { meta: r.meta, arrays }, r.keep);
  } catch (e) {
    const err = e as Error;
    reply.error = { name: err.name, message: err.message, stack: err.stack };
  }
  parentPort!.postMessage(reply, [r.snapshot]);
});
