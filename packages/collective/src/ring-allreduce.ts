import { encodeHeader, FrameKind } from './frame.js';
import { addOwn, addOwnFinal } from './reduce.js';
import { allreduceRecvSegment, segmentChunks } from './ring-plan.js';
import { bytesOf, floatsOf, opFrames, type RingContext } from './ring-context.js';

/**
 * In-place ring allreduce (see allreduceRecvSegment for the schedule). Partial sums land in
 * scratch buffers, pick up this rank's values and travel on; the last rank to add to a segment
 * writes the final values into its own array and sends them from there, and the other ranks
 * receive them straight into theirs. Each element is summed once, in ring order starting at its
 * segment's owner, and then copied, so every rank ends with the same bits.
 *
 * Every frame this op will receive is announced to the link up front, so the link reads ahead
 * while this rank computes. Early arrivals are safe: a final value can only come back once the
 * values it replaces have been read and passed on.
 */
export async function ringAllreduce(ctx: RingContext, data: Float32Array, seq: number, mean: boolean): Promise<void> {
  const { rank, worldSize: n, left, reader, writer, pool } = ctx;
  const kind = mean ? FrameKind.AllreduceMean : FrameKind.AllreduceSum;
  const total = data.length;
  const segs = segmentChunks(total, n, ctx.chunkElems);
  const steps = 2 * (n - 1);
  const frame = opFrames(ctx, seq, kind, total);
  const own = (offset: number, count: number) => bytesOf(data.subarray(offset, offset + count));

  const arrivals: Array<Array<Promise<Uint8Array>>> = [];
  for (let step = 0; step < steps; step++) {
    arrivals.push(
      segs[allreduceRecvSegment(rank, n, step)].map((c) =>
        reader.expect(frame(left, step, c.offset, c.count), step < n - 1 ? () => bytesOf(pool.acquire(c.count)) : () => own(c.offset, c.count)),
      ),
    );
  }

  for (const c of segs[rank]) writer.send(encodeHeader(frame(rank, 0, c.offset, c.count)), own(c.offset, c.count));

  ctx.progress.peer = left;
  for (let step = 0; step < steps; step++) {
    ctx.progress.what = `rank ${left} (step ${step + 1} of ${steps} of op #${seq}, ${mean ? 'allreduce(mean)' : 'allreduce(sum)'})`;
    const chunks = segs[allreduceRecvSegment(rank, n, step)];
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i];
      const bytes = await arrivals[step][i];
      const next = step + 1 < steps ? encodeHeader(frame(rank, step + 1, c.offset, c.count)) : null;
      if (step < n - 2) {
        const acc = floatsOf(bytes);
        addOwn(acc, data, c.offset);
        writer.send(next!, bytes, () => pool.release(acc));
      } else if (step === n - 2) {
        const acc = floatsOf(bytes);
        addOwnFinal(acc, data, c.offset, mean ? n : 1);
        pool.release(acc);
        if (next !== null) writer.send(next, own(c.offset, c.count));
      } else if (next !== null) {
        writer.send(next, bytes);
      }
    }
  }
  ctx.progress.peer = ctx.right;
  ctx.progress.what = `rank ${ctx.right} to take the last chunks of op #${seq}`;
  await writer.flush();
}
