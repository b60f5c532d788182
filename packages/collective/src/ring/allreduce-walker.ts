import { encodeHeader, type FrameKind } from '../transport/frame.js';
import { allreduceRecvSegment, segmentChunks, type Chunk } from './ring-plan.js';
import { opFrames, type RingContext } from './ring-context.js';

/** The payload of the frame that passes a chunk on, and what to do once the link has written it. */
export interface Forward {
  payload: Uint8Array | null;
  written?: () => void;
}

/**
 * What a data path does with each chunk as walkAllreduce takes it through the schedule. `land`
 * runs when a chunk's frame arrives; the others run in schedule order, once it has.
 */
export interface AllreduceSteps {
  /** Where the payload of a chunk received at `step` is read into. */
  land(step: number, c: Chunk): Uint8Array;
  /** This rank's own values of its segment: the payload sent at step 0. */
  start(c: Chunk): Uint8Array | null;
  /** Reduce-scatter, before a segment's last addition: the partial sum picks up this rank's values. */
  add(c: Chunk, received: Uint8Array): Forward;
  /** The segment's last addition, which makes its final values. */
  finish(c: Chunk, received: Uint8Array): Forward;
  /** Allgather: the final values of `segment` have come round. */
  gather(c: Chunk, received: Uint8Array, segment: number): Forward;
}

/**
 * Walks the ring allreduce schedule (see allreduceRecvSegment) chunk by chunk. Each link has its
 * own data path, so its own frame kind (`kinds`): its frames carry the data itself, or only say
 * which chunk is ready in shared memory. Every frame the op will receive is announced to the link up front, so the link reads
 * ahead while this rank computes; each arrival is handled in order and passed on as the next
 * step's frame. `label` names the op and `frames` what the links carry, for timeout messages.
 */
export async function walkAllreduce(
  ctx: RingContext,
  seq: number,
  kinds: { recv: FrameKind; send: FrameKind },
  total: number,
  steps: AllreduceSteps,
  label: string,
  frames: string,
): Promise<void> {
  const { rank, worldSize: n, left, reader, writer } = ctx;
  const segs = segmentChunks(total, n, ctx.chunkElems);
  const count = 2 * (n - 1);
  const inFrame = opFrames(ctx, seq, kinds.recv, total);
  const frame = opFrames(ctx, seq, kinds.send, total);

  const arrivals: Array<Array<Promise<Uint8Array>>> = [];
  for (let step = 0; step < count; step++) {
    arrivals.push(segs[allreduceRecvSegment(rank, n, step)].map((c) => reader.expect(inFrame(left, step, c.offset, c.count), () => steps.land(step, c))));
  }

  for (const c of segs[rank]) writer.send(encodeHeader(frame(rank, 0, c.offset, c.count)), steps.start(c));

  ctx.progress.peer = left;
  for (let step = 0; step < count; step++) {
    ctx.progress.what = `rank ${left} (step ${step + 1} of ${count} of op #${seq}, ${label})`;
    const segment = allreduceRecvSegment(rank, n, step);
    const chunks = segs[segment];
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i];
      const received = await arrivals[step][i];
      const out = step < n - 2 ? steps.add(c, received) : step === n - 2 ? steps.finish(c, received) : steps.gather(c, received, segment);
      if (step + 1 < count) writer.send(encodeHeader(frame(rank, step + 1, c.offset, c.count)), out.payload, out.written);
    }
  }
  ctx.progress.peer = ctx.right;
  ctx.progress.what = `rank ${ctx.right} to take the last ${frames} of op #${seq}`;
  await writer.flush();
}
