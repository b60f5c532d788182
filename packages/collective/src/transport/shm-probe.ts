import { randomBytes } from 'node:crypto';
import type { SharedMemory } from '@rwp/shm';

const PROBE_BYTES = 4096;

/**
 * Tells whether two ranks see one /dev/shm (one host, and one container or a shared IPC
 * namespace): each rank writes a random token into a small region and registers the token; its
 * right neighbour must read the same token back. The rendezvous collects the votes.
 */
export class ShmProbe {
  /** The token in this rank's probe, or null when it could not make one. */
  readonly token: number | null;

  constructor(
    private readonly shm: SharedMemory,
    private readonly prefix: string,
    private readonly rank: number,
  ) {
    let token: number | null = randomBytes(4).readUInt32LE(0);
    try {
      // A probe left by a killed process of this run id and rank is ours to replace.
      shm.unlink(this.nameOf(rank));
      new Uint32Array(shm.create(this.nameOf(rank), PROBE_BYTES))[0] = token;
    } catch {
      token = null;
    }
    this.token = token;
  }

  /** Whether `rank`'s probe is readable here and holds the token it registered. */
  sees(rank: number, token: number | undefined): boolean {
    if (token === undefined) return false;
    try {
      return new Uint32Array(this.shm.open(this.nameOf(rank), PROBE_BYTES))[0] === token;
    } catch {
      return false;
    }
  }

  /** Removes this rank's probe; call once every rank has voted. */
  release(): void {
    if (this.token === null) return;
    try {
      this.shm.unlink(this.nameOf(this.rank));
    } catch {
      // Already gone.
    }
  }

  private nameOf(rank: number): string {
    return `/${this.prefix}-${rank}-probe`;
  }
}
