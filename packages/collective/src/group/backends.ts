import type { CollectiveBackend } from '../base/collective-backend.js';
import type { ShmLinks } from '../ring/ring-allreduce.js';
import { RingBackend } from '../ring/ring-backend.js';
import type { RingContext } from '../ring/ring-context.js';

/** What the rendezvous linked: the ring and, where two neighbours share /dev/shm, its shared-memory links. */
export interface LinkedGroup {
  ring: RingContext;
  shm: ShmLinks | null;
}

/**
 * The collective backends by name (CommunicatorOptions.backend): the one place the communicator
 * picks the implementation of allreduce and broadcast. Another backend is one more entry here.
 */
export const BACKENDS = {
  ring: (linked: LinkedGroup): CollectiveBackend => new RingBackend(linked.ring, linked.shm),
} as const;

export type BackendName = keyof typeof BACKENDS;

export const DEFAULT_BACKEND: BackendName = 'ring';

export function isBackendName(name: string): name is BackendName {
  return Object.hasOwn(BACKENDS, name);
}
