// @rwp/native: a TensorFlow.js backend named `native` whose heavy kernels (matrix products,
// convolutions, pooling, BatchNorm, element-wise and reductions) run in a compiled addon over
// oneDNN; everything else is the cpu backend's. Also the trainer's host kernels
// (host-kernels.ts, importable alone as @rwp/native/host-kernels).
import { loadAddon } from './addon.js';
import { BACKEND_NAME, registerBackendAndKernels } from './register.js';

export { nativeNormals, nativePerturbation, nativeSamAscent, nativeSgdUpdate } from './host-kernels.js';

export type RegisterResult = { ok: true; name: 'native'; detail: string } | { ok: false; reason: string };

let registered = false;

/**
 * Registers the `native` backend (once) and sets its thread count; select it with
 * `tf.setBackend('native')`. Never throws: where the addon is missing or broken it returns
 * ok: false and the reason.
 */
export async function registerNativeBackend(opts: { threads: number }): Promise<RegisterResult> {
  try {
    const loaded = loadAddon();
    if ('error' in loaded) return { ok: false, reason: loaded.error };
    setNativeThreads(opts.threads);
    if (!registered) {
      registerBackendAndKernels(loaded.addon);
      registered = true;
    }
    const info = loaded.addon.info();
    const threads = `${info.threads} thread${info.threads === 1 ? '' : 's'}`;
    return { ok: true, name: BACKEND_NAME, detail: `${info.library} (${info.isa}), ${threads}` };
  } catch (e) {
    return { ok: false, reason: `native backend failed to register: ${(e as Error).message}` };
  }
}

/** Threads the native kernels use from now on (at least 1); a no-op where the addon is missing. */
export function setNativeThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`native threads must be a positive integer, got ${n}`);
  const loaded = loadAddon();
  if ('addon' in loaded) loaded.addon.setThreads(n);
}
