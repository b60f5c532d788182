import { encodeHeader, FrameKind } from './frame.js';
import { addFinalInto, addInto } from './reduce.js';
import { allreduceRecvSegment, mod, segmentChunks } from './ring-plan.js';
import { opFrames, type RingContext } from './ring-context.js';
import type { ShmRegions } from './shm-regions.js';

const NOTHING = new Uint8Array(0);

/**
 * Ring allreduce between the ranks of one host, through shared memory: the ring schedule of
 * ringAllreduce, but a partial sum is written once into the sender's region and read from there
 * by its right neighbour, and the frames on the ring links only say which chunk is ready. A
 * segment's final values are computed once, by the rank before its owner (segment s by rank
 * s-1), and every rank copies them from that rank's region as the notices come round. This
 * saves the two kernel copies per byte and hop that a socket costs.
 */
export async function shmAllreduce(ctx: RingContext, regions: ShmRegions, data: Float32Array, seq: number, mean: boolean): Promise<void> {
  const { rank, worldSize: n, left, reader, writer } = ctx;
  const total = data.length;
  if (total === 0) return;
  const kind = mean ? FrameKind.ShmReadyMean : FrameKind.ShmReadySum;
  const segs = segmentChunks(total, n, ctx.chunkElems);
  const steps = 2 * (n - 1);
  const frame = opFrames(ctx, seq, kind, total);
  const notify = (step: number, offset: number, count: number) => writer.send(encodeHeader(frame(rank, step, offset, count)), null);

  regions.begin(total);
  const mine = regions.mine();
  const arrivals: Array<Array<Promise<Uint8Array>>> = [];
  for (let step = 0; step < steps; step++) {
    arrivals.push(segs[allreduceRecvSegment(rank, n, step)].map((c) => reader.expect(frame(left, step, c.offset, c.count), () => NOTHING)));
  }

  for (const c of segs[rank]) {
    mine.set(data.subarray(c.offset, c.offset + c.count), c.offset);
    notify(0, c.offset, c.count);
  }

  ctx.progress.peer = left;
  for (let step = 0; step < steps; step++) {
    ctx.progress.what = `rank ${left} (step ${step + 1} of ${steps} of op #${seq}, ${mean ? 'allreduce(mean)' : 'allreduce(sum)'} in shared memory)`;
    const segment = allreduceRecvSegment(rank, n, step);
    const chunks = segs[segment];
    for (let i = 0; i < chunks.length; i++) {
      const { offset, count } = chunks[i];
      await arrivals[step][i];
      const end = offset + count;
      if (step < n - 2) {
        addInto(mine.subarray(offset, end), regions.of(left).subarray(offset, end), data.subarray(offset, end));
      } else if (step === n - 2) {
        addFinalInto(mine.subarray(offset, end), regions.of(left).subarray(offset, end), data.subarray(offset, end), mean ? n : 1);
      } else {
        data.set(regions.of(mod(segment - 1, n)).subarray(offset, end), offset);
      }
      if (step + 1 < steps) notify(step + 1, offset, count);
    }
  }
  ctx.progress.peer = ctx.right;
  ctx.progress.what = `rank ${ctx.right} to take the last notices of op #${seq}`;
  await writer.flush();
}
