// The standard normals of a perturbed pass, drawn one step ahead in a worker thread. They do not
// depend on the weights (only their per-filter scale does), so drawing them while the step
// before computes takes them off the perturbed rank's critical path; the stream is keyed by
// (seed, step, role) as before, so every process draws the same numbers.
import { Worker } from 'node:worker_threads';
import type { KernelChoice } from './methods/kernels.js';
import type { NoiseRequest } from './noise-worker.js';

export class NoiseSource {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Promise<Float32Array>>();
  private readonly waiters = new Map<number, (z: Float32Array) => void>();
  private spare: Float32Array[] = [];
  private outstanding = 0;

  /** `kernels`: the worker's fillNormal, the addon's or JS (methods/kernels.ts). */
  constructor(private readonly seed: number, private readonly role: number, private readonly size: number, kernels: KernelChoice) {
    this.worker = new Worker(new URL('./noise-worker.js', import.meta.url), { workerData: kernels });
    // Only a worker with a request outstanding keeps the process alive.
    this.worker.unref();
    this.worker.on('message', (r: NoiseRequest) => {
      if (--this.outstanding === 0) this.worker.unref();
      this.waiters.get(r.step)?.(r.out);
    });
  }

  /** The normals of `step`; asks for those of the next step at once. */
  async take(step: number): Promise<Float32Array> {
    const z = await (this.pending.get(step) ?? this.request(step));
    this.pending.delete(step);
    this.waiters.delete(step);
    this.request(step + 1);
    return z;
  }

  /** Hands a buffer back for reuse once its noise has been applied. */
  recycle(z: Float32Array): void {
    this.spare.push(z);
  }

  close(): void {
    // Not awaited: under load terminate() sometimes never settled while the process had nothing
    // else to wait for, and the trainer then exited with code 13 before writing its summary.
    // The worker is unref'd, so it holds nothing open.
    void this.worker.terminate();
  }

  private request(step: number): Promise<Float32Array> {
    const existing = this.pending.get(step);
    if (existing) return existing;
    const out = this.spare.pop() ?? new Float32Array(this.size);
    const p = new Promise<Float32Array>((resolve) => this.waiters.set(step, resolve));
    this.pending.set(step, p);
    const msg: NoiseRequest = { seed: this.seed, step, role: this.role, out };
    if (this.outstanding++ === 0) this.worker.ref();
    this.worker.postMessage(msg, [out.buffer as ArrayBuffer]);
    return p;
  }
}
