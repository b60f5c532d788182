// Checkpoints written off the training thread. The step that triggers one copies the state into
// a snapshot buffer and goes on; a worker thread checksums and writes it. The buffer is made and
// its pages touched by the worker when the writer is created, then reused: a fresh 90 MB buffer
// cost the training thread 0.6-2 s of page faults here. At most one write is in flight: the next
// save waits for it. The run waits for the last one before it ends, and a SIGTERM or SIGINT that
// arrives during a write (the launcher tearing a group down to restart it) exits once the file
// is on disk.
import { constants } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Checkpoint } from './checkpoint.js';
import type { AllocRequest, WriteReply, WriteRequest } from './checkpoint-write-worker.js';
import { DiskWriteError } from './durable-write.js';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export class CheckpointWriter {
  private worker: Worker | undefined;
  /** Held here between writes; in the worker's hands during one. */
  private snapshot: ArrayBuffer | null = null;
  private inFlight: Promise<void> | null = null;
  private failure: Error | null = null;

  /** `bytes`: the size of the arrays a checkpoint holds, for the snapshot buffer made ahead. */
  constructor(private readonly runDir: string, private readonly keep: number, bytes: number) {
    const alloc: AllocRequest = { alloc: bytes };
    this.send(alloc, []);
  }

  /** Copies `ckpt`'s arrays and starts writing them; returns once the copy is made. */
  async save(ckpt: Checkpoint): Promise<void> {
    await this.flush();
    const names = Object.keys(ckpt.arrays);
    const lengths = names.map((n) => ckpt.arrays[n].length);
    const bytes = lengths.reduce((s, n) => s + n * 4, 0);
    if (this.snapshot === null || this.snapshot.byteLength !== bytes) this.snapshot = new ArrayBuffer(bytes);
    let off = 0;
    for (const n of names) {
      new Float32Array(this.snapshot, off, ckpt.arrays[n].length).set(ckpt.arrays[n]);
      off += ckpt.arrays[n].byteLength;
    }
    const request: WriteRequest = { runDir: this.runDir, keep: this.keep, meta: ckpt.meta, names, lengths, snapshot: this.snapshot };
    this.snapshot = null;
    const onSignal = (signal: NodeJS.Signals): void => {
      void this.inFlight?.finally(() => process.exit(128 + constants.signals[signal]));
    };
    for (const s of SIGNALS) process.once(s, onSignal);
    this.send(request, [request.snapshot]).finally(() => {
      for (const s of SIGNALS) process.off(s, onSignal);
    });
  }

  /** Throws the error of a write that failed, so the run stops at once rather than at its next save. */
  throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  /** Waits until the write in flight is on disk; throws its error. */
  async flush(): Promise<void> {
    await this.inFlight;
    this.inFlight = null;
    this.throwIfFailed();
  }

  /** Hands the worker one request; its reply brings the snapshot back (and the write's error). */
  private send(request: WriteRequest | AllocRequest, transfer: ArrayBuffer[]): Promise<void> {
    const worker = (this.worker ??= new Worker(new URL('./checkpoint-write-worker.js', import.meta.url)));
    worker.ref();
    this.inFlight = new Promise<void>((resolve) => {
      const done = (reply: WriteReply | Error): void => {
        worker.off('message', done).off('error', done);
        // A worker with nothing to do must not keep the process alive.
        worker.unref();
        if (reply instanceof Error) this.failure = reply;
        else {
          this.snapshot = reply.snapshot;
          if (reply.error) this.failure = rebuild(reply.error);
        }
        resolve();
      };
      worker.on('message', done).on('error', done);
    });
    worker.postMessage(request, transfer);
    return this.inFlight;
  }

  /** flush(), then the thread ends. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      // Not awaited, as NoiseSource's: terminate() has been seen never to settle under load.
      void this.worker?.terminate();
      this.worker = undefined;
    }
  }
}

/** The worker's error on this thread: a disk's error stays a one-line DiskWriteError; others keep their stack. */
function rebuild(e: { name: string; message: string; stack?: string }): Error {
  if (e.name === 'DiskWriteError') return new DiskWriteError(e.message);
  const err = new Error(e.message);
  err.name = e.name;
  if (e.stack) err.stack = e.stack;
  return err;
}
