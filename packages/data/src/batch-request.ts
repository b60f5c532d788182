// What the prefetcher asks for, and the one function that fulfils it in either thread, so a
// prefetched batch is bitwise the batch makeBatchAsync gives in-process.
import { streamFor } from '@rwp/random';
import type { Source } from './dataset.js';
import type { SourceSpec } from './image-source.js';
import { makeBatchAsync, type Augment, type Batch } from './make-batch.js';

export interface BatchRequest {
  indices: Int32Array;
  /** Key of the augmentation random stream, e.g. augmentKey(seed, epoch, step, replica). */
  key?: Array<number | string>;
}

export interface Preparation {
  augment?: Augment;
  mean: number[];
  std: number[];
  skipBadImages?: boolean;
}

export interface WorkerInit extends Preparation {
  spec: SourceSpec;
}

export interface WorkMessage {
  id: number;
  indices: Int32Array;
  key?: Array<number | string>;
  /** Buffers handed back for reuse, sized for this request. */
  out?: Batch;
}

export type ResultMessage = { id: number; batch: Batch } | { id: number; error: { name: string; message: string } };

export function prepareBatch(source: Source, request: BatchRequest, prep: Preparation, out?: Batch): Promise<Batch> {
  const rng = request.key !== undefined ? streamFor(...request.key) : undefined;
  return makeBatchAsync(source, request.indices, { augment: prep.augment, mean: prep.mean, std: prep.std, rng, skipBadImages: prep.skipBadImages }, out);
}
