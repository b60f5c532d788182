/**
 * The data plane's collectives over float32 arrays: what a backend (the ring, Open MPI) does once
 * the group is linked. The communicator runs them one at a time, each with its op's sequence
 * number, under its deadline and fault latch; a backend records what it waits for in the group's
 * Progress.
 */
export interface CollectiveBackend {
  /** Sums (`mean`: averages) `data` over all ranks, in place; every rank ends with the same bits. */
  allreduce(data: Float32Array, seq: number, mean: boolean): Promise<void>;
  /** Copies root's `data` into every rank's `data`, in place. */
  broadcast(data: Float32Array, root: number, seq: number): Promise<void>;
  /** Called once every rank has reached close without a failure: releases what the backend holds across ranks. */
  finish?(): void;
}
