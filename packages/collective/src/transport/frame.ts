// The header of every frame on a ring link: a header, then `count` raw little-endian float32
// (none for shared-memory notices, whose data is already where the receiver reads it).
// Each field is checked on receive, so a frame from another run, another operation or the wrong
// place in the ring is an error, never summed.

const FRAME_MAGIC = 0x31505752; // "RWP1" read as little-endian u32
export const HEADER_BYTES = 36;

export const enum FrameKind {
  /** Sent once on each ring link at set-up. */
  Link = 1,
  AllreduceSum = 2,
  AllreduceMean = 3,
  Broadcast = 4,
  /** From the rank before the root to the root: everyone has the broadcast data. */
  BroadcastDone = 5,
  /** Shared-memory allreduce: the frame only says that a chunk is ready in the sender's region. */
  ShmReadySum = 6,
  ShmReadyMean = 7,
  /** Job-token handshake at set-up, before the link frames: a fresh nonce... */
  Challenge = 8,
  /** ...and the HMAC that proves the token over both sides' nonces. */
  Proof = 9,
}

const KIND_NAMES: Record<number, string> = {
  [FrameKind.Link]: 'link',
  [FrameKind.AllreduceSum]: 'allreduce(sum)',
  [FrameKind.AllreduceMean]: 'allreduce(mean)',
  [FrameKind.Broadcast]: 'broadcast',
  [FrameKind.BroadcastDone]: 'broadcast-done',
  [FrameKind.ShmReadySum]: 'allreduce(sum) in shared memory',
  [FrameKind.ShmReadyMean]: 'allreduce(mean) in shared memory',
  [FrameKind.Challenge]: 'job-token challenge',
  [FrameKind.Proof]: 'job-token proof',
};

/** Bytes that follow a header: `count` float32, except for notices of data in shared memory. */
export function payloadBytes(h: FrameHeader): number {
  return h.kind === FrameKind.ShmReadySum || h.kind === FrameKind.ShmReadyMean ? 0 : h.count * 4;
}

function kindName(kind: number): string {
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
 * Checks a received header against the one this rank expects next; throws FrameError naming the
 * first field that differs. The header's count fixes how many payload bytes follow it.
 */
export function checkHeader(head: Uint8Array, want: FrameHeader, runId: string): void {
  if (head.length !== HEADER_BYTES) throw new FrameError(`malformed frame: header of ${head.length} bytes, expected ${HEADER_BYTES}`);
  const got = decodeHeader(head);
  if (got === null) {
    throw new FrameError(`not an rwp frame: starts with 0x${Buffer.from(head.subarray(0, 8)).toString('hex')}`);
  }
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
}

/** The header's fields, or null when it does not start with the magic number. */
export function decodeHeader(head: Uint8Array): FrameHeader | null {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  return b.readUInt32LE(0) === FRAME_MAGIC ? decodeFields(b) : null;
}

function decodeFields(b: Buffer): FrameHeader {
  const v = FIELDS.map((_, i) => b.readUInt32LE(4 + 4 * i));
  return { runHash: v[0], seq: v[1], kind: v[2], sender: v[3], step: v[4], total: v[5], offset: v[6], count: v[7] };
}
