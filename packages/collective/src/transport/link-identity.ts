import { FrameKind, type FrameHeader } from './frame.js';

/** Who one end of a ring link is: its rank, its two neighbours and its run. */
export interface LinkIdentity {
  rank: number;
  worldSize: number;
  /** Rank this one receives from. */
  left: number;
  /** Rank this one sends to. */
  right: number;
  runId: string;
  runHash: number;
}

/** The set-up frame each end of a link sends first: who it is, in which run and group size. */
export function linkHeader(id: LinkIdentity, sender: number): FrameHeader {
  return { runHash: id.runHash, seq: 0, kind: FrameKind.Link, sender, step: 0, total: id.worldSize, offset: 0, count: 0 };
}
