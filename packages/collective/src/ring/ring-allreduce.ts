import { FrameKind } from './frame.js';
import { addOwn, addOwnFinal } from './reduce.js';
import type { Chunk } from './ring-plan.js';
import { bytesOf, floatsOf, type RingContext } from './ring-context.js';
import { walkAllreduce } from './allreduce-walker.js';

/**
 * In-place ring allreduce with the data on the links. Partial sums land in scratch buffers, pick
 * up this rank's values and travel on; the last rank to add to a segment writes the final values
 * into its own array and sends them from there, and the other ranks receive them straight into
 * theirs. Each element is summed once, in ring order starting at its segment's owner, and then
 * copied, so every rank ends with the same bits. Early arrivals are safe: a final value can only
 * come back once the values it replaces have been read and passed on.
 */
export function ringAllreduce(ctx: RingContext, data: Float32Array, seq: number, mean: boolean): Promise<void> {
  const { worldSize: n, pool } = ctx;
  const own = (c: Chunk) => bytesOf(data.subarray(c.offset, c.offset + c.count));
  const kind = mean ? FrameKind.AllreduceMean : FrameKind.AllreduceSum;
  const label = mean ? 'allreduce(mean)' : 'allreduce(sum)';
  return walkAllreduce(
    ctx,
    seq,
    kind,
    data.length,
    {
      land: (step, c) => (step < n - 1 ? bytesOf(pool.acquire(c.count)) : own(c)),
      start: own,
      add: (c, received) => {
        const acc = floatsOf(received);
        addOwn(acc, data, c.offset);
        return { payload: received, written: () => pool.release(acc) };
      },
      finish: (c, received) => {
        const acc = floatsOf(received);
        addOwnFinal(acc, data, c.offset, mean ? n : 1);
        pool.release(acc);
        return { payload: own(c) };
      },
      gather: (_c, received) => ({ payload: received }),
    },
    label,
    'chunks',
  );
}
