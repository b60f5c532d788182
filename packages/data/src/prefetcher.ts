// Prepares the next batches in worker threads while the trainer's step computes on the main
// thread (TensorFlow.js compute there is synchronous, so only another thread overlaps with it).
// Batches come back in the order they were scheduled; their buffers can be handed back for reuse.
import { Worker } from 'node:worker_threads';
import { prepareBatch, type BatchRequest, type Preparation, type ResultMessage, type WorkMessage, type WorkerInit } from './batch-request.js';
import { DataError } from './errors.js';
import type { ImageSource } from './image-source.js';
import type { Augment, Batch } from './make-batch.js';

export interface PrefetcherOptions {
  augment?: Augment;
  mean: number[];
  std: number[];
  /** Worker threads; 0 prepares each batch in-process inside next(). Default 1. */
  workers?: number;
  /** Batches prepared ahead of the one being consumed. Default 2. */
  ahead?: number;
}

export interface PreparedBatch extends Batch {
  indices: Int32Array;
}

interface Pending {
  request: BatchRequest;
  promise: Promise<PreparedBatch>;
  resolve(batch: PreparedBatch): void;
  reject(error: Error): void;
  slot: Slot;
}

interface Slot {
  worker: Worker;
  outstanding: number;
}

function rebuildError(e: { name: string; message: string }): Error {
  if (e.name === 'DataError') return new DataError(e.message);
  if (e.name === 'RangeError') return new RangeError(e.message);
  return new Error(e.message);
}

/** A typed array that owns its whole buffer, so posting it does not clone a larger one. */
function compact(indices: Int32Array): Int32Array {
  return indices.byteOffset === 0 && indices.byteLength === indices.buffer.byteLength ? indices : indices.slice();
}

export class Prefetcher {
  private readonly prep: Preparation;
  private readonly slots: Slot[] = [];
  private readonly ahead: number;
  private readonly queue: BatchRequest[] = [];
  private readonly inflight: Pending[] = [];
  private readonly byId = new Map<number, Pending>();
  private readonly pool: Batch[] = [];
  private nextId = 0;
  private failure: Error | undefined;

  constructor(private readonly source: ImageSource, opts: PrefetcherOptions) {
    this.prep = { augment: opts.augment, mean: opts.mean, std: opts.std };
    const workers = opts.workers ?? 1;
    this.ahead = opts.ahead ?? 2;
    if (!Number.isInteger(workers) || workers < 0) throw new RangeError(`Prefetcher: workers must be an integer >= 0, got ${workers}`);
    if (!Number.isInteger(this.ahead) || this.ahead < 1) throw new RangeError(`Prefetcher: ahead must be an integer >= 1, got ${this.ahead}`);
    const init: WorkerInit = { ...this.prep, spec: source.share() };
    for (let i = 0; i < workers; i++) {
      const worker = new Worker(new URL('./prefetch-worker.js', import.meta.url), { workerData: init });
      // Only a worker with work outstanding keeps the process alive.
      worker.unref();
      worker.on('message', (m: ResultMessage) => this.onResult(m));
      worker.on('error', (e) => this.fail(e));
      worker.on('exit', (code) => this.fail(new Error(`Prefetcher: worker thread exited with code ${code}`)));
      this.slots.push({ worker, outstanding: 0 });
    }
  }

  /** Appends batches to prepare, in the order next() will return them; work starts at once. */
  schedule(requests: Iterable<BatchRequest>): void {
    for (const r of requests) this.queue.push(r);
    this.fill();
  }

  /** The oldest scheduled batch; rejects when none is scheduled or its preparation failed. */
  async next(): Promise<PreparedBatch> {
    if (this.failure) throw this.failure;
    if (this.slots.length === 0) {
      const request = this.queue.shift();
      if (!request) throw new Error('Prefetcher.next: no batch scheduled');
      const batch = prepareBatch(this.source, request, this.prep, this.takeBuffers(request.indices.length));
      return { ...batch, indices: request.indices };
    }
    const head = this.inflight.shift();
    if (!head) throw new Error('Prefetcher.next: no batch scheduled');
    this.fill();
    return head.promise;
  }

  /** Hands a batch's buffers back for reuse; the caller must no longer read them (nor tensors made on them). */
  recycle(batch: Batch): void {
    if (batch.x.buffer.byteLength > 0 && batch.y.buffer.byteLength > 0) this.pool.push({ x: batch.x, y: batch.y });
  }

  /** Stops the workers; batches still pending reject. */
  async close(): Promise<void> {
    const terminated = this.slots.map((s) => s.worker.terminate());
    this.fail(new Error('Prefetcher closed'));
    await Promise.all(terminated);
  }

  private takeBuffers(n: number): Batch | undefined {
    const i = this.pool.findIndex((b) => b.y.length === n);
    return i < 0 ? undefined : this.pool.splice(i, 1)[0];
  }

  private fill(): void {
    while (this.slots.length > 0 && !this.failure && this.inflight.length < this.ahead && this.queue.length > 0) {
      this.dispatch(this.queue.shift()!);
    }
  }

  private dispatch(request: BatchRequest): void {
    const id = this.nextId++;
    const slot = this.slots[id % this.slots.length];
    let resolve!: (b: PreparedBatch) => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<PreparedBatch>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // A batch prepared ahead may fail before anyone awaits it; the rejection reaches next().
    promise.catch(() => {});
    const pending: Pending = { request, promise, resolve, reject, slot };
    this.inflight.push(pending);
    this.byId.set(id, pending);
    const out = this.takeBuffers(request.indices.length);
    const message: WorkMessage = { id, indices: compact(request.indices), key: request.key, out };
    if (slot.outstanding++ === 0) slot.worker.ref();
    slot.worker.postMessage(message, out ? [out.x.buffer as ArrayBuffer, out.y.buffer as ArrayBuffer] : []);
  }

  private onResult(m: ResultMessage): void {
    const pending = this.byId.get(m.id);
    if (!pending) return;
    this.byId.delete(m.id);
    if (--pending.slot.outstanding === 0) pending.slot.worker.unref();
    if ('error' in m) pending.reject(rebuildError(m.error));
    else pending.resolve({ ...m.batch, indices: pending.request.indices });
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const p of this.byId.values()) p.reject(error);
    this.byId.clear();
    for (const s of this.slots) void s.worker.terminate();
  }
}
