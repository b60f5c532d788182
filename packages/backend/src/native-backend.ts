import * as tf from '@tensorflow/tfjs-core';
import { failed, type Attempt } from './attempt.js';
import { firstLine, importOptional } from './optional-module.js';

type Registration = { ok: true; name: string; detail: string } | { ok: false; reason: string };
type RegisterFn = (opts: { threads: number }) => Promise<Registration>;

const registrations = new Map<string, Promise<Registration>>();

/** Once per module and thread count: registering the same tfjs backend twice fails. */
function register(specifier: string, fn: RegisterFn, threads: number): Promise<Registration> {
  const key = `${specifier} ${threads}`;
  let pending = registrations.get(key);
  if (pending === undefined) {
    pending = Promise.resolve()
      .then(() => fn({ threads }))
      .catch((err: unknown) => ({ ok: false as const, reason: `threw: ${firstLine(err)}` }));
    registrations.set(key, pending);
  }
  return pending;
}

/**
 * The project's own compiled CPU kernels (packages/native), which may be absent or unbuilt.
 * `specifier` is there for tests, which load stand-ins.
 */
export async function loadNative(threads: number, specifier = '@rwp/native'): Promise<Attempt> {
  const imported = await importOptional(specifier);
  if (!imported.ok) {
    if (imported.message.startsWith('Cannot find package')) return failed(specifier, 'not installed');
    const unbuilt = imported.message.startsWith('Cannot find module') ? ' (not built?)' : '';
    return failed(specifier, `failed to load${unbuilt}: ${imported.message}`);
  }
  const fn = imported.module.registerNativeBackend;
  if (typeof fn !== 'function') return failed(specifier, 'does not export registerNativeBackend');
  const result = await register(specifier, fn as RegisterFn, threads);
  if (!result.ok) return failed(specifier, `could not register its backend: ${result.reason}`);
  if (!(await tf.setBackend(result.name))) {
    return failed(specifier, `registered backend "${result.name}", but it failed to start`);
  }
  return { ok: true, tfBackend: tf.getBackend(), threads, detail: `native kernels loaded (${result.detail})` };
}
