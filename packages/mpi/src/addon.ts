// MPI_Allreduce and MPI_Bcast of Open MPI over MPI_COMM_WORLD, from the small addon in csrc/.
// The collectives run on libuv's pool, one at a time; the event loop stays free meanwhile.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface MpiWorld {
  rank: number;
  size: number;
}

export interface Mpi {
  /**
   * MPI_Init_thread (MPI_THREAD_SERIALIZED) on the first call; MPI_COMM_WORLD's rank and size.
   * A process started outside mpirun is a world of its own (size 1). Throws after finalize.
   */
  init(): MpiWorld;
  /** MPI_Finalize, which waits for every rank; false (nothing done) while a collective is unfinished or before init. */
  finalize(): boolean;
  /** Sums (`mean`: then divides by the world size) `data` over MPI_COMM_WORLD, in place. */
  allreduce(data: Float32Array, mean: boolean): Promise<void>;
  /** Copies rank `root`'s `data` into every rank's `data`. */
  broadcast(data: Float32Array, root: number): Promise<void>;
}

export const addonPath = fileURLToPath(new URL('../build/rwp_mpi.node', import.meta.url));

/** Why the addon at `path` is unavailable (`loadError`: why it did not load; null: not built), and what to install. */
export function missingAddonMessage(path: string, loadError: string | null): string {
  const fix = "install Open MPI (Debian: apt-get install openmpi-bin libopenmpi-dev; scripts/setup.sh does) and build the addon (npm run build:native -w @rwp/mpi)";
  return loadError === null
    ? `the @rwp/mpi addon is not built (${path}): ${fix}`
    : `the @rwp/mpi addon (${path}) does not load (${loadError}): ${fix}`;
}

let loaded: { mpi: Mpi | null; why: string } | null = null;

function load(): { mpi: Mpi | null; why: string } {
  if (loaded !== null) return loaded;
  if (!existsSync(addonPath)) {
    loaded = { mpi: null, why: missingAddonMessage(addonPath, null) };
  } else {
    try {
      loaded = { mpi: createRequire(import.meta.url)(addonPath) as Mpi, why: '' };
    } catch (e) {
      loaded = { mpi: null, why: missingAddonMessage(addonPath, (e as Error).message) };
    }
  }
  return loaded;
}

/** Open MPI's collectives, or null where Open MPI or the addon is missing (see mpiMissing). */
export function mpi(): Mpi | null {
  return load().mpi;
}

/** Why mpi() is null, in words naming what to install; '' when it is available. */
export function mpiMissing(): string {
  return load().why;
}
