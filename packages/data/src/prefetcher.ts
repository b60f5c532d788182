// Prepares the next batches in worker threads while the trainer's step computes on the main
// thread (TensorFlow.js compute there is synchronous, so only another thread overlaps with it).
// Each batch goes to one worker, whole; batches come back in the order they were scheduled, each
// a pure function of its request, so the worker count never changes a bit. Their buffers can be
// handed back for reuse.
import { Worker } from 'node:worker_threads';
import { prepareBatch, type BatchRequest, type Preparation, type ResultMessage, type WorkMessage, type WorkerInit } from './batch-request.js';
import type { Source } from './dataset.js';
import { DataError } from './errors.js';
import type { Augment, Batch } from './make-batch.js';

export interface PrefetcherOptions {
  augment?: Augment;
  mean: number[];
  std: number[];
  /** Worker threads; 0 prepares each batch in-process inside next(). Default 1. */
  workers?: number;
  /** Batches prepared ahead of the one being consumed; at least `workers`, so none idles. Default 2. */
  ahead?: number;
  /** Leave unreadable images out of their batch (PreparedBatch.skipped) instead of failing it. */
  skipBadImages?: boolean;
  /** This process's rank, named in every error. */
  rank?: number;
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

function rebuildError(e: { name: string; message: string }, prefix: string): Error {
  const message = prefix + e.message;
  if (e.name === 'DataError') return new DataError(message);
  if (e.name === 'RangeError') return new RangeError(message);
  return new Error(message);
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
  /** Put before every error message: names the rank. */
  private readonly prefix: string;

  constructor(private readonly source: Source, opts: PrefetcherOptions) {
    this.prep = { augment: opts.augment, mean: opts.mean, std: opts.std, skipBadImages: opts.skipBadImages };
    this.prefix = opts.rank === undefined ? '' : `rank ${opts.rank}: `;
    const workers = opts.workers ?? 1;
    const ahead = opts.ahead ?? 2;
    if (!Number.isInteger(workers) || workers < 0) throw new RangeError(`Prefetcher: workers must be an integer >= 0, got ${workers}`);
    if (!Number.isInteger(ahead) || ahead < 1) throw new RangeError(`Prefetcher: ahead must be an integer >= 1, got ${ahead}`);
    this.ahead = Math.max(ahead, workers);
    const init: WorkerInit = { ...this.prep, spec: source.share() };
    for (let i = 0; i < workers; i++) {
      const worker = new Worker(new URL('./prefetch-worker.js', import.meta.url), { workerData: init });
      // Only a worker with work outstanding keeps the process alive.
      worker.unref();
      worker.on('message', (m: ResultMessage) => this.onResult(m));
      worker.on('error', (e) => this.fail(rebuildError(e, `${this.prefix}data worker ${i}: `)));
      worker.on('exit', (code) => this.fail(new Error(`${this.prefix}data worker ${i} exited with code ${code}`)));
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
      try {
        const batch = await prepareBatch(this.source, request, this.prep, this.takeBuffers(request.indices.length));
        return { ...batch, indices: request.indices };
      } catch (e) {
        throw rebuildError(e as Error, this.prefix);
      }
    }
    const head = this.inflight.shift();
    if (!head) throw new Error('Prefetcher.next: no batch scheduled');
    this.fill();
    return head.promise;
  }

  /** Hands a batch's buffers back for reuse; the caller must no longer read them (nor tensors made on them). */
  recycle(batch: Batch): void {
    // A batch with skipped images is shorter than its buffers: they are left to the collector.
    if (batch.skipped === undefined && batch.x.buffer.byteLength > 0 && batch.y.buffer.byteLength > 0) this.pool.push({ x: batch.x, y: batch.y });
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
    if ('error' in m) pending.reject(rebuildError(m.error, this.prefix));
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
