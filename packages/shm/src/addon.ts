// POSIX shared memory (shm_open + mmap) as ArrayBuffers, from the small addon in csrc/. A region
// stays mapped until its ArrayBuffer is garbage-collected; its name can be unlinked at any time
// after every process has opened it.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

interface Addon {
  create(name: string, bytes: number): ArrayBuffer;
  open(name: string, bytes: number): ArrayBuffer;
  unlink(name: string): boolean;
}

export interface SharedMemory {
  /** A new zero-filled region; its pages are reserved now, so a full /dev/shm fails here (ENOSPC). */
  create(name: string, bytes: number): ArrayBuffer;
  /** A region another process created; throws (code ENOENT, ESIZE) if absent or of another size. */
  open(name: string, bytes: number): ArrayBuffer;
  /** Removes the name; true if it existed. */
  unlink(name: string): boolean;
}

export const addonPath = fileURLToPath(new URL('../build/rwp_shm.node', import.meta.url));

let loaded: { shm: SharedMemory | null; why: string } | null = null;

function load(): { shm: SharedMemory | null; why: string } {
  if (loaded !== null) return loaded;
  if (!existsSync(addonPath)) {
    loaded = { shm: null, why: `the @rwp/shm addon is not built (${addonPath}; npm run build:native -w @rwp/shm)` };
  } else {
    try {
      loaded = { shm: createRequire(import.meta.url)(addonPath) as Addon, why: '' };
    } catch (e) {
      loaded = { shm: null, why: `the @rwp/shm addon does not load: ${(e as Error).message}` };
    }
  }
  return loaded;
}

/** The shared-memory functions, or null where the addon is missing (see sharedMemoryMissing). */
export function sharedMemory(): SharedMemory | null {
  return load().shm;
}

/** Why sharedMemory() is null, in words; '' when it is available. */
export function sharedMemoryMissing(): string {
  return load().why;
}
