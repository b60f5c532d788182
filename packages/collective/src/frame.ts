// The header of every data-plane frame. A frame is [header] or [header, payload] where the
// payload is raw little-endian float32. Each field is checked on receive, so a frame from another
// run, another operation or the wrong place in the ring is an error, never summed.

export const FRAME_MAGIC = 0x31505752; // "RWP1" read as little-endian u32
export const HEADER_BYTES = 36;

export const enum FrameKind {
  /** Sent once on each ring link at set-up. */
  Link = 1,
  AllreduceSum = 2,
  AllreduceMean = 3,
  Broadcast = 4,
  /** From the rank before the root to the root: everyone has the broadcast data. */
  BroadcastDone = 5,
}

const KIND_NAMES: Record<number, string> = {
  [FrameKind.Link]: 'link',
  [FrameKind.AllreduceSum]: 'allreduce(sum)',
  [FrameKind.AllreduceMean]: 'allreduce(mean)',
  [FrameKind.Broadcast]: 'broadcast',
  [FrameKind.BroadcastDone]: 'broadcast-done',
};

export function kindName(kind: number): string {
  return KIND_NAMES[kind] ?? `unknown kind ${kind}`;
}

export interface FrameHeader {
  runHash: number;
  /** Operation sequence number: the n-th collective of this communicator. */
  seq: number;
  kind: FrameKind;
  sender: number;
  /** Ring step for allreduce, root rank for broadcast. */
  step: number;
  /** Elements in the whole buffer being reduced or broadcast. */
  total: number;
  /** First element this frame carries. */
  offset: number;
  /** Elements this frame carries. */
  count: number;
}

const FIELDS = ['runHash', 'seq', 'kind', 'sender', 'step', 'total', 'offset', 'count'] as const;

export function encodeHeader(h: FrameHeader): Buffer {
  const b = Buffer.allocUnsafe(HEADER_BYTES);
  b.writeUInt32LE(FRAME_MAGIC, 0);
  FIELDS.forEach((f, i) => b.writeUInt32LE(h[f] >>> 0, 4 + 4 * i));
  return b;
}

/** Why a frame was rejected, in words that name the field. */
export class FrameError extends Error {
  override name = 'FrameError';
}

/**
 * Checks a received multipart message against the header this rank expects next; returns the
 * payload (or an empty buffer for frames without one). Throws FrameError on any mismatch.
 */
export function checkFrame(parts: Buffer[], want: FrameHeader, runId: string): Buffer {
  const hasPayload = want.count > 0;
  if (parts.length !== (hasPayload ? 2 : 1)) {
    throw new FrameError(`malformed frame: ${parts.length} parts, expected ${hasPayload ? 2 : 1}`);
  }
  const head = parts[0];
  if (head.length !== HEADER_BYTES) throw new FrameError(`malformed frame: header of ${head.length} bytes, expected ${HEADER_BYTES}`);
  const magic = head.readUInt32LE(0);
  if (magic !== FRAME_MAGIC) throw new FrameError(`not an rwp frame: magic 0x${magic.toString(16)}`);
  const got = decodeFields(head);
  if (got.runHash !== want.runHash) {
    throw new FrameError(`frame from another run: run hash 0x${got.runHash.toString(16)}, this run "${runId}" has 0x${want.runHash.toString(16)}`);
  }
  if (got.seq !== want.seq) throw new FrameError(`frame for op #${got.seq} (${kindName(got.kind)}), expected op #${want.seq}`);
  if (got.kind !== want.kind) throw new FrameError(`op #${want.seq} is ${kindName(got.kind)} on rank ${got.sender} but ${kindName(want.kind)} here`);
  if (got.sender !== want.sender) throw new FrameError(`frame claims to come from rank ${got.sender}, expected rank ${want.sender}`);
  if (got.total !== want.total) {
    throw new FrameError(`op #${want.seq} ${kindName(want.kind)} has ${got.total} elements on rank ${got.sender} but ${want.total} here`);
  }
  if (got.step !== want.step || got.offset !== want.offset || got.count !== want.count) {
    throw new FrameError(
      `out-of-place frame: step ${got.step}, elements [${got.offset}, +${got.count}); expected step ${want.step}, elements [${want.offset}, +${want.count})`,
    );
  }
  if (!hasPayload) return Buffer.alloc(0);
  const payload = parts[1];
  if (payload.length !== want.count * 4) {
    throw new FrameError(`payload of ${payload.length} bytes, header says ${want.count} float32 (${want.count * 4} bytes)`);
  }
  return payload;
}

function decodeFields(b: Buffer): FrameHeader {
  const v = FIELDS.map((_, i) => b.readUInt32LE(4 + 4 * i));
  return { runHash: v[0], seq: v[1], kind: v[2], sender: v[3], step: v[4], total: v[5], offset: v[6], count: v[7] };
}
