import type { CollectiveBackend } from '../base/collective-backend.js';
import { ringAllreduce, type ShmLinks } from './ring-allreduce.js';
import { ringBroadcast } from './ring-broadcast.js';
import type { RingContext } from './ring-context.js';

/** The ring's collectives over the linked ring (and its shared-memory links, if any). */
export class RingBackend implements CollectiveBackend {
  constructor(private readonly ctx: RingContext, private readonly shm: ShmLinks | null) {}

  allreduce(data: Float32Array, seq: number, mean: boolean): Promise<void> {
    return ringAllreduce(this.ctx, data, seq, mean, this.shm);
  }

  broadcast(data: Float32Array, root: number, seq: number): Promise<void> {
    return ringBroadcast(this.ctx, data, root, seq);
  }
}
