import { Packr } from 'msgpackr';

// Messages between each rank's Dealer and rank 0's Router: rendezvous, small-value collectives and
// failure notices. They are rare and small, so msgpack's flexibility costs nothing that matters.

const packr = new Packr({ useRecords: false, moreTypes: true });

export type ControlKind = 'allgather' | 'broadcastValue' | 'barrier' | 'close';

/** How to reach one rank's ring input socket. */
export interface PeerInfo {
  rank: number;
  host: string;
  hostKey: string;
  pid: number;
  ipc: string | null;
  tcp: string | null;
  /** Token written into this rank's shared-memory probe; absent when it made none. */
  shm?: number;
}

export type ToRoot =
  | { t: 'hello'; run: string; world: number; peer: PeerInfo }
  /** `shm`: this rank read its left neighbour's probe token from shared memory. */
  | { t: 'ready'; rank: number; shm?: boolean }
  | { t: 'op'; rank: number; seq: number; kind: ControlKind; root: number; v: unknown }
  /**
   * `waiting`: the sender timed out waiting on `peer` and waits for rank 0 to name the culprit;
   * `seq`: in op #seq; `peerSeq`: the latest op it saw `peer` in.
   */
  | { t: 'abort'; rank: number; peer: number | null; detail: string; waiting?: boolean; seq?: number; peerSeq?: number };

export type FromRoot =
  | { t: 'welcome'; peers: PeerInfo[] }
  | { t: 'refused'; reason: string }
  /** `shm[r]`: rank r read rank r-1's probe, so the link between them goes through shared memory. */
  | { t: 'go'; shm: boolean[] }
  | { t: 'result'; seq: number; v: unknown }
  | { t: 'abort'; origin: number; peer: number | null; detail: string };

export function encodeControl(msg: ToRoot | FromRoot): Buffer {
  return packr.pack(msg);
}

const TO_ROOT = new Set(['hello', 'ready', 'op', 'abort']);
const FROM_ROOT = new Set(['welcome', 'refused', 'go', 'result', 'abort']);

function decode(bytes: Buffer, types: Set<string>): { t: string } {
  let msg: unknown;
  try {
    msg = packr.unpack(bytes);
  } catch (e) {
    throw new Error(`undecodable control message (${(e as Error).message})`);
  }
  if (typeof msg !== 'object' || msg === null || !types.has((msg as { t?: unknown }).t as string)) {
    throw new Error('unknown control message');
  }
  return msg as { t: string };
}

export function decodeToRoot(bytes: Buffer): ToRoot {
  return decode(bytes, TO_ROOT) as ToRoot;
}

export function decodeFromRoot(bytes: Buffer): FromRoot {
  return decode(bytes, FROM_ROOT) as FromRoot;
}
