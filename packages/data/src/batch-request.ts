// What the prefetcher asks for, and the one function that fulfils it in either thread, so a
// prefetched batch is bitwise the batch makeBatch gives in-process.
import { streamFor } from '@rwp/random';
import type { ImageSource, SourceSpec } from './image-source.js';
import { makeBatch, type Augment, type Batch } from './make-batch.js';

export interface BatchRequest {
  indices: Int32Array;
  /** Key of the augmentation random stream, e.g. augmentKey(seed, epoch, step, replica). */
  key?: Array<number | string>;
}

export interface Preparation {
  augment?: Augment;
  mean: number[];
  std: number[];
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

export function prepareBatch(source: ImageSource, request: BatchRequest, prep: Preparation, out?: Batch): Batch {
  const rng = request.key !== undefined ? streamFor(...request.key) : undefined;
  return makeBatch(source, request.indices, { augment: prep.augment, mean: prep.mean, std: prep.std, rng }, out);
}
