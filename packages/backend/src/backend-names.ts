export type BackendName = 'auto' | 'tensorflow-gpu' | 'webgpu' | 'tensorflow' | 'native' | 'wasm' | 'cpu';

export const BACKEND_NAMES: readonly BackendName[] = Object.freeze([
  'auto',
  'tensorflow-gpu',
  'webgpu',
  'tensorflow',
  'native',
  'wasm',
  'cpu',
] as const);

/** Names come from configs and command lines, so an unknown one is a user error. */
export function checkBackendName(name: unknown): BackendName {
  if (typeof name === 'string' && (BACKEND_NAMES as readonly string[]).includes(name)) return name as BackendName;
  throw new Error(`unknown backend ${JSON.stringify(name)}; allowed: ${BACKEND_NAMES.join(', ')}`);
}

export function checkThreads(threads: unknown): number {
  if (threads === undefined) return 1;
  if (typeof threads === 'number' && Number.isInteger(threads) && threads >= 1) return threads;
  const shown = typeof threads === 'number' ? String(threads) : JSON.stringify(threads);
  throw new Error(`threads must be a positive integer, got ${shown}`);
}
