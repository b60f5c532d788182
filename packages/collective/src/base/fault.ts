/** Why the group can no longer run collectives. Once a rank has one, every later op fails with it. */
export interface Fault {
  /** The rank blamed, when known. */
  peer: number | null;
  detail: string;
  /** The rank that found the problem. */
  origin: number;
  /** A deadline passed while waiting on `peer`, which may itself be waiting on another rank. */
  waiting?: boolean;
  /** With `waiting`: the op the rank that timed out was in. */
  seq?: number;
  /** With `waiting`: the latest op `peer` was seen in (its last frame's), where known. */
  peerSeq?: number;
}

/** What an op is waiting for right now, for the message when its deadline passes. */
export interface Progress {
  peer: number | null;
  what: string;
  /** Computes peer and what at timeout time instead, where they change too often to keep up to date. */
  lazy?: () => { peer: number | null; what: string };
}
