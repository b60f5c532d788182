import type { Communicator, ReduceOp } from '../base/api.js';
import { CollectiveError } from '../base/errors.js';

/** World size 1: every collective is the identity and no socket is opened. */
export class LocalCommunicator implements Communicator {
  readonly rank = 0;
  readonly worldSize = 1;
  readonly sharedMemory = false;
  readonly sharedMemoryLinks = 0;
  private closed = false;

  async allreduce(data: Float32Array, op: ReduceOp = 'sum'): Promise<void> {
    this.check('allreduce');
    if (!(data instanceof Float32Array)) throw new TypeError('allreduce: data must be a Float32Array');
    if (op !== 'sum' && op !== 'mean') throw new RangeError(`allreduce: op must be "sum" or "mean", got "${String(op)}"`);
  }

  async broadcast(data: Float32Array, root: number): Promise<void> {
    this.check('broadcast', root);
    if (!(data instanceof Float32Array)) throw new TypeError('broadcast: data must be a Float32Array');
  }

  async broadcastValue<T>(value: T | undefined, root: number): Promise<T> {
    this.check('broadcastValue', root);
    return value as T;
  }

  async allgather<T>(value: T): Promise<T[]> {
    this.check('allgather');
    return [value];
  }

  async barrier(): Promise<void> {
    this.check('barrier');
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private check(op: string, root = 0): void {
    if (this.closed) throw new CollectiveError(op, 0, null, 'the communicator is closed');
    if (root !== 0) throw new RangeError(`${op}: root must be 0 in a group of 1, got ${root}`);
  }
}
