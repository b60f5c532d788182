import type { FrameHeader, FrameKind } from '../transport/frame.js';
import type { Progress } from '../base/fault.js';
import type { LinkIdentity } from '../transport/link-identity.js';
import type { FrameReader } from '../transport/frame-reader.js';
import type { FrameWriter } from '../transport/frame-writer.js';
import type { ScratchPool } from '../transport/scratch-pool.js';

/** What a ring collective needs: this rank's place, its two links and where to record progress. */
export interface RingContext extends LinkIdentity {
  chunkElems: number;
  reader: FrameReader;
  writer: FrameWriter;
  pool: ScratchPool;
  progress: Progress;
}

/** The header of each frame of one allreduce: only the sender and the frame's place vary. */
export function opFrames(ctx: RingContext, seq: number, kind: FrameKind, total: number): (sender: number, step: number, offset: number, count: number) => FrameHeader {
  return (sender, step, offset, count) => ({ runHash: ctx.runHash, seq, kind, sender, step, total, offset, count });
}

/** The bytes of a float32 array, without copying. */
export function bytesOf(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

export function floatsOf(b: Uint8Array): Float32Array {
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}
