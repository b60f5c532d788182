import { encodeHeader, FrameKind, type FrameHeader } from '../transport/frame.js';
import { chunksOf } from './ring-plan.js';
import { bytesOf, type RingContext } from './ring-context.js';

/**
 * In-place broadcast along the ring from `root`, chunk by chunk: each rank receives straight into
 * its array and passes the chunk on from there. The rank before the root then tells the root that
 * everyone has the data, so all ranks return only once the op is complete everywhere.
 */
export async function ringBroadcast(ctx: RingContext, data: Float32Array, root: number, seq: number): Promise<void> {
  const { rank, left, right, reader, writer, runHash } = ctx;
  const total = data.length;
  const chunks = chunksOf(0, total, ctx.chunkElems);
  const frame = (kind: FrameKind, sender: number, offset: number, count: number): FrameHeader => ({
    runHash,
    seq,
    kind,
    sender,
    step: root,
    total,
    offset,
    count,
  });
  const view = (offset: number, count: number) => bytesOf(data.subarray(offset, offset + count));
  const none = () => new Uint8Array(0);

  ctx.progress.peer = left;
  if (rank === root) {
    const done = reader.expect(frame(FrameKind.BroadcastDone, left, 0, 0), none);
    for (const c of chunks) writer.send(encodeHeader(frame(FrameKind.Broadcast, rank, c.offset, c.count)), view(c.offset, c.count));
    ctx.progress.what = `rank ${left} to confirm that every rank has op #${seq} (broadcast)`;
    await done;
  } else {
    const arrivals = chunks.map((c) => reader.expect(frame(FrameKind.Broadcast, left, c.offset, c.count), () => view(c.offset, c.count)));
    ctx.progress.what = `rank ${left} to pass on op #${seq} (broadcast from rank ${root})`;
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i];
      await arrivals[i];
      if (right !== root) writer.send(encodeHeader(frame(FrameKind.Broadcast, rank, c.offset, c.count)), view(c.offset, c.count));
    }
    if (right === root) writer.send(encodeHeader(frame(FrameKind.BroadcastDone, rank, 0, 0)), null);
  }
  ctx.progress.peer = right;
  ctx.progress.what = `rank ${right} to take the last chunks of op #${seq}`;
  await writer.flush();
}
