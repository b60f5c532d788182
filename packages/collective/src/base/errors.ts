/** A collective operation (or the group set-up) failed; every surviving rank gets one. */
export class CollectiveError extends Error {
  /** The operation that failed: 'allreduce', 'broadcast', 'rendezvous', ... */
  readonly op: string;
  /** The rank that raised the error. */
  readonly rank: number;
  /** The peer rank blamed for the failure, when one is known. */
  readonly peer: number | null;

  constructor(op: string, rank: number, peer: number | null, detail: string, options?: { cause?: unknown }) {
    super(`rank ${rank}: ${op} failed: ${detail}`, options);
    this.name = 'CollectiveError';
    this.op = op;
    this.rank = rank;
    this.peer = peer;
  }
}
