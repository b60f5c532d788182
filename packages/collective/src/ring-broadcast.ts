import { checkFrame, encodeHeader, FrameKind } from './frame.js';
import { asFloat32 } from './reduce.js';
import { chunksOf } from './ring-plan.js';
import type { RingContext } from './ring-context.js';

/**
 * In-place broadcast along the ring from `root`, chunk by chunk, each rank passing on the buffer it
 * received. The rank before the root then tells the root everyone has the data: only then does the
 * root return, since its zero-copy sends read the caller's array until they are written out.
 */
export async function ringBroadcast(ctx: RingContext, data: Float32Array, root: number, seq: number): Promise<void> {
  const { rank, left, right, inbox, outbox, runHash } = ctx;
  const total = data.length;
  const chunks = chunksOf(0, total, ctx.chunkElems);
  const header = (kind: FrameKind, offset: number, count: number) =>
    encodeHeader({ runHash, seq, kind, sender: rank, step: root, total, offset, count });
  const expect = (kind: FrameKind, offset: number, count: number) => ({ runHash, seq, kind, sender: left, step: root, total, offset, count });

  ctx.progress.peer = left;
  if (rank === root) {
    for (const c of chunks) outbox.push([header(FrameKind.Broadcast, c.offset, c.count), data.subarray(c.offset, c.offset + c.count)]);
    ctx.progress.what = `rank ${left} to confirm that every rank has op #${seq} (broadcast)`;
    checkFrame(await inbox.next(), expect(FrameKind.BroadcastDone, 0, 0), ctx.runId);
  } else {
    ctx.progress.what = `rank ${left} to pass on op #${seq} (broadcast from rank ${root})`;
    for (const c of chunks) {
      const payload = checkFrame(await inbox.next(), expect(FrameKind.Broadcast, c.offset, c.count), ctx.runId);
      const values = asFloat32(payload);
      data.set(values, c.offset);
      if (right !== root) outbox.push([header(FrameKind.Broadcast, c.offset, c.count), values]);
    }
    if (right === root) outbox.push([header(FrameKind.BroadcastDone, 0, 0)]);
  }
  ctx.progress.peer = right;
  ctx.progress.what = `the last chunks of op #${seq} to be handed to rank ${right}`;
  await outbox.flush();
}
