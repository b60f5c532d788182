import { FrameKind } from '../ring/frame.js';
import { addFinalInto, addInto } from '../ring/reduce.js';
import { mod, type Chunk } from '../ring/ring-plan.js';
import type { RingContext } from '../ring/ring-context.js';
import { walkAllreduce, type Forward } from '../ring/allreduce-walker.js';
import type { ShmRegions } from './shm-regions.js';

const NOTHING = new Uint8Array(0);
/** A notice: the frame says the chunk is ready in the sender's region. */
const NOTICE: Forward = { payload: null };

/**
 * Ring allreduce between the ranks of one host, through shared memory: the schedule of
 * ringAllreduce, but a partial sum is written once into the sender's region and read from there
 * by its right neighbour, and the frames on the ring links only say which chunk is ready. A
 * segment's final values are computed once, by the rank before its owner (segment s by rank
 * s-1), and every rank copies them from that rank's region as the notices come round. This
 * saves the two kernel copies per byte and hop that a socket costs.
 */
export async function shmAllreduce(ctx: RingContext, regions: ShmRegions, data: Float32Array, seq: number, mean: boolean): Promise<void> {
  const { worldSize: n, left } = ctx;
  const total = data.length;
  if (total === 0) return;
  regions.begin(total);
  const mine = regions.mine();
  const part = (a: Float32Array, c: Chunk) => a.subarray(c.offset, c.offset + c.count);
  const kind = mean ? FrameKind.ShmReadyMean : FrameKind.ShmReadySum;
  const label = `${mean ? 'allreduce(mean)' : 'allreduce(sum)'} in shared memory`;
  await walkAllreduce(
    ctx,
    seq,
    kind,
    total,
    {
      land: () => NOTHING,
      start: (c) => {
        mine.set(part(data, c), c.offset);
        return null;
      },
      add: (c) => {
        addInto(part(mine, c), part(regions.of(left), c), part(data, c));
        return NOTICE;
      },
      finish: (c) => {
        addFinalInto(part(mine, c), part(regions.of(left), c), part(data, c), mean ? n : 1);
        return NOTICE;
      },
      gather: (c, _received, segment) => {
        data.set(part(regions.of(mod(segment - 1, n)), c), c.offset);
        return NOTICE;
      },
    },
    label,
    'notices',
  );
}
