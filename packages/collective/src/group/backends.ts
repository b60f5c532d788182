import type { Mpi } from '@rwp/mpi';
import type { CollectiveBackend } from '../base/collective-backend.js';
import { CollectiveError } from '../base/errors.js';
import { MpiBackend } from '../mpi/mpi-backend.js';
import type { ShmLinks } from '../ring/ring-allreduce.js';
import { RingBackend } from '../ring/ring-backend.js';
import type { RingContext } from '../ring/ring-context.js';

/** What the rendezvous linked: the ring and, where two neighbours share /dev/shm, its shared-memory links; Open MPI where connect checked it. */
export interface LinkedGroup {
  ring: RingContext;
  shm: ShmLinks | null;
  mpi: Mpi | null;
}

/**
 * The collective backends by name (CommunicatorOptions.backend): the one place the communicator
 * picks the implementation of allreduce and broadcast. Another backend is one more entry here.
 */
export const BACKENDS = {
  ring: (linked: LinkedGroup): CollectiveBackend => new RingBackend(linked.ring, linked.shm),
  mpi: ({ ring, mpi }: LinkedGroup): CollectiveBackend => {
    if (mpi === null) throw new CollectiveError('connect', ring.rank, null, 'the mpi backend was not checked before the rendezvous');
    return MpiBackend.start(mpi, ring.rank, ring.worldSize, ring.progress);
  },
} as const;

export type BackendName = keyof typeof BACKENDS;

/** Every backend's name, for configs and command lines. */
export const BACKEND_NAMES = Object.keys(BACKENDS) as BackendName[];

export const DEFAULT_BACKEND: BackendName = 'ring';

export function isBackendName(name: string): name is BackendName {
  return Object.hasOwn(BACKENDS, name);
}
