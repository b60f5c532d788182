import { checkFrame, encodeHeader, FrameKind } from './frame.js';
import { addOwn, addOwnFinal, asFloat32 } from './reduce.js';
import { allreduceRecvSegment, segmentChunks } from './ring-plan.js';
import type { RingContext } from './ring-context.js';

/**
 * In-place ring allreduce (see allreduceRecvSegment for the schedule). Partial sums accumulate in
 * the received buffers and travel on from there, so `data` is only read until its final values
 * arrive; each element is summed once, in ring order starting at its segment's owner, and the
 * result is copied, so every rank gets the same bits.
 *
 * Zero-copy sends keep referring to their memory until ZeroMQ has written them out. The only
 * views of `data` that are sent are this rank's own values in step 0, and the rank after this one
 * must have received those before any final value can come back, so `data` is never overwritten,
 * nor handed back to the caller, while a send still reads it.
 */
export async function ringAllreduce(ctx: RingContext, data: Float32Array, seq: number, mean: boolean): Promise<void> {
  const { rank, worldSize: n, left, inbox, outbox } = ctx;
  const kind = mean ? FrameKind.AllreduceMean : FrameKind.AllreduceSum;
  const total = data.length;
  const segs = segmentChunks(total, n, ctx.chunkElems);
  const steps = 2 * (n - 1);
  const header = (step: number, offset: number, count: number) =>
    encodeHeader({ runHash: ctx.runHash, seq, kind, sender: rank, step, total, offset, count });

  for (const c of segs[rank]) outbox.push([header(0, c.offset, c.count), data.subarray(c.offset, c.offset + c.count)]);

  ctx.progress.peer = left;
  for (let step = 0; step < steps; step++) {
    ctx.progress.what = `rank ${left} (step ${step + 1} of ${steps} of op #${seq}, ${mean ? 'allreduce(mean)' : 'allreduce(sum)'})`;
    for (const c of segs[allreduceRecvSegment(rank, n, step)]) {
      const want = { runHash: ctx.runHash, seq, kind, sender: left, step, total, offset: c.offset, count: c.count };
      const acc = asFloat32(checkFrame(await inbox.next(), want, ctx.runId));
      if (step < n - 2) addOwn(acc, data, c.offset);
      else if (step === n - 2) addOwnFinal(acc, data, c.offset, mean ? n : 1);
      else data.set(acc, c.offset);
      if (step + 1 < steps) outbox.push([header(step + 1, c.offset, c.count), acc]);
    }
  }
  ctx.progress.what = `the last chunks of op #${seq} to be handed to rank ${ctx.right}`;
  ctx.progress.peer = ctx.right;
  await outbox.flush();
}
