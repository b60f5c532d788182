import type { Inbox } from './inbox.js';
import type { Outbox } from './outbox.js';
import type { Progress } from './fault.js';

/** What a ring collective needs: this rank's place, its two links and where to record progress. */
export interface RingContext {
  rank: number;
  worldSize: number;
  /** Rank this one receives from. */
  left: number;
  /** Rank this one sends to. */
  right: number;
  runId: string;
  runHash: number;
  chunkElems: number;
  inbox: Inbox;
  outbox: Outbox;
  progress: Progress;
}
