import { FrameKind } from '../transport/frame.js';
import { addFinalInto, addInto, addOwnFinal } from './reduce.js';
import { mod, type Chunk } from './ring-plan.js';
import { bytesOf, floatsOf, type RingContext } from './ring-context.js';
import { walkAllreduce, type Forward } from './allreduce-walker.js';
import type { ShmRegions } from '../transport/shm-regions.js';

const NOTHING = new Uint8Array(0);
/** A notice: the frame says the chunk is ready in shared memory. */
const NOTICE: Forward = { payload: null };

/** Which of the ring's links move their data through shared memory, and the regions they use. */
export interface ShmLinks {
  /** `viaShm[r]`: the link from rank r-1 to rank r (both on one host, one /dev/shm). */
  viaShm: boolean[];
  regions: ShmRegions;
}

/**
 * In-place ring allreduce where each link has its own data path. Over a socket link the frames
 * carry the data: partial sums land in scratch buffers and final values in the caller's array.
 * Over a shared-memory link the sender writes a partial sum once into its region, its right
 * neighbour reads it there, and the frame only says the chunk is ready: the two kernel copies
 * per byte and hop of a socket are saved, so ranks of one host reduce through shared memory and
 * hosts talk over TCP, in the same ring. Each element is summed once, in ring order starting at
 * its segment's owner, with the same float32 operations on either path, and then copied, so every
 * rank ends with the same bits whatever the links. Early arrivals are safe: a final value can
 * only come back once the values it replaces have been read and passed on.
 */
export function ringAllreduce(ctx: RingContext, data: Float32Array, seq: number, mean: boolean, shm: ShmLinks | null): Promise<void> {
  const { rank, worldSize: n, left, right, pool } = ctx;
  const total = data.length;
  const fromShm = shm?.viaShm[rank] === true;
  const toShm = shm?.viaShm[right] === true;
  if ((fromShm || toShm) && total > 0) shm!.regions.begin(total);
  const regions = shm?.regions;
  const part = (a: Float32Array, c: Chunk) => a.subarray(c.offset, c.offset + c.count);
  const own = (c: Chunk) => part(data, c);
  const mine = (c: Chunk) => part(regions!.mine(), c);
  /** The left neighbour's partial sum of a chunk: in its region, or the frame's payload. */
  const partial = (c: Chunk, received: Uint8Array) => (fromShm ? part(regions!.of(left), c) : floatsOf(received));
  const kind = (viaShm: boolean) => (viaShm ? (mean ? FrameKind.ShmReadyMean : FrameKind.ShmReadySum) : mean ? FrameKind.AllreduceMean : FrameKind.AllreduceSum);
  /**
   * Where the final values of `segment` are in shared memory for this rank: the nearest rank to
   * the left, along shared-memory links, that wrote them into its region (the one that computed
   * them, or one that received them over a socket).
   */
  const holder = (segment: number) => {
    const finisher = mod(segment - 1, n);
    let h = left;
    while (h !== finisher && shm!.viaShm[h]) h = mod(h - 1, n);
    return h;
  };
  const label = `${mean ? 'allreduce(mean)' : 'allreduce(sum)'}${fromShm ? ' in shared memory' : ''}`;
  return walkAllreduce(
    ctx,
    seq,
    { recv: kind(fromShm), send: kind(toShm) },
    total,
    {
      land: (step, c) => (fromShm ? NOTHING : step < n - 1 ? bytesOf(pool.acquire(c.count)) : bytesOf(own(c))),
      start: (c) => {
        if (!toShm) return bytesOf(own(c));
        mine(c).set(own(c));
        return null;
      },
      add: (c, received) => {
        const from = partial(c, received);
        const out = toShm ? mine(c) : fromShm ? pool.acquire(c.count) : from;
        addInto(out, from, own(c));
        if (!fromShm && out !== from) pool.release(from);
        return toShm ? NOTICE : { payload: bytesOf(out), written: () => pool.release(out) };
      },
      finish: (c, received) => {
        const from = partial(c, received);
        if (toShm) addFinalInto(mine(c), from, own(c), mean ? n : 1);
        else addOwnFinal(from, data, c.offset, mean ? n : 1);
        if (!fromShm) pool.release(from);
        return toShm ? NOTICE : { payload: bytesOf(own(c)) };
      },
      gather: (c, _received, segment) => {
        if (fromShm) own(c).set(part(regions!.of(holder(segment)), c));
        else if (toShm) mine(c).set(own(c));
        return toShm ? NOTICE : { payload: bytesOf(own(c)) };
      },
    },
    label,
    fromShm ? 'notices' : 'chunks',
  );
}
