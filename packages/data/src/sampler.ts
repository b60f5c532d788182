// The distributed sampler. A pure function of its arguments, never of process state: sequential
// RWP in one process asks for both replicas' batches and must get what two ranks would.
import { streamFor } from '@rwp/random';

export interface EpochBatchesOptions {
  /** Number of samples in the split. */
  count: number;
  replicas: number;
  /** This replica, in [0, replicas). */
  replica: number;
  batchSize: number;
  seed: number;
  epoch: number;
  shuffle: boolean;
}

function checkInt(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`epochBatches: ${name} must be an integer >= ${min}, got ${value}`);
}

/**
 * The sample indices of each of this replica's batches for one epoch. The order is a permutation
 * seeded by (seed, epoch); the tail is dropped so every replica gets the same number of full
 * batches; replica r takes every replicas-th index starting at r, cut into consecutive batches.
 */
export function epochBatches(opts: EpochBatchesOptions): Int32Array[] {
  const { count, replicas, replica, batchSize, seed, epoch, shuffle } = opts;
  checkInt('count', count, 0);
  checkInt('replicas', replicas, 1);
  checkInt('batchSize', batchSize, 1);
  checkInt('seed', seed, 0);
  checkInt('epoch', epoch, 0);
  if (!Number.isInteger(replica) || replica < 0 || replica >= replicas) {
    throw new RangeError(`epochBatches: replica must be an integer in [0, ${replicas}), got ${replica}`);
  }
  const order = shuffle ? streamFor(seed, 'shuffle', epoch).permutation(count) : null;
  const numBatches = Math.floor(count / (replicas * batchSize));
  const batches: Int32Array[] = [];
  for (let b = 0; b < numBatches; b++) {
    const batch = new Int32Array(batchSize);
    for (let i = 0; i < batchSize; i++) {
      const position = (b * batchSize + i) * replicas + replica;
      batch[i] = order ? order[position] : position;
    }
    batches.push(batch);
  }
  return batches;
}

/** The augmentation random-stream key of one batch, the same in every process. */
export function augmentKey(seed: number, epoch: number, step: number, replica: number): Array<number | string> {
  return [seed, 'augment', epoch, step, replica];
}
