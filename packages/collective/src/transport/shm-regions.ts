import type { SharedMemory } from '@rwp/shm';
import { PeerError } from '../base/peer-error.js';

/**
 * The regions a rank reads or writes. Each rank whose right link goes through shared memory owns
 * one region holding two halves of `capacity` floats; consecutive allreduces use alternate halves,
 * which is what makes reuse safe: a rank can only start allreduce k+2 once it has finished k+1, which needs every rank to
 * have started k+1, hence finished k, so nobody reads k's half any more. A longer allreduce than
 * the capacity makes every rank (all see the same lengths) create a larger region under a new
 * name; peers' regions are opened when first read. A rank removes its names when it closes.
 */
export class ShmRegions {
  private capacity = 0;
  private half = 1;
  private own: ArrayBuffer | null = null;
  private readonly peers = new Map<number, ArrayBuffer>();
  private readonly names: string[] = [];

  constructor(
    private readonly shm: SharedMemory,
    private readonly prefix: string,
    private readonly rank: number,
    /** Whether this rank writes a region (its right neighbour reads it); else it only reads others'. */
    private readonly owns: boolean,
  ) {}

  /** Starts an allreduce of `length` floats: makes room and flips to the other half. */
  begin(length: number): void {
    if (length > this.capacity) this.grow(length);
    this.half ^= 1;
  }

  /** This rank's half for the current allreduce. */
  mine(): Float32Array {
    return new Float32Array(this.own!, this.half * this.capacity * 4, this.capacity);
  }

  /** Another rank's half for the current allreduce, opening its region the first time. */
  of(rank: number): Float32Array {
    let region = this.peers.get(rank);
    if (region === undefined) {
      try {
        region = this.shm.open(this.nameOf(rank, this.capacity), this.bytes());
      } catch (e) {
        throw new PeerError(rank, `cannot open the shared memory of rank ${rank}: ${(e as Error).message}`);
      }
      this.peers.set(rank, region);
    }
    return new Float32Array(region, this.half * this.capacity * 4, this.capacity);
  }

  /** Removes this rank's names; mappings go when their ArrayBuffers are collected. */
  close(): void {
    for (const name of this.names.splice(0)) {
      try {
        this.shm.unlink(name);
      } catch {
        // Already gone, or /dev/shm went away: nothing is left to free.
      }
    }
    this.own = null;
    this.peers.clear();
  }

  private nameOf(rank: number, capacity: number): string {
    return `/${this.prefix}-${rank}-${capacity}`;
  }

  private bytes(): number {
    return 2 * this.capacity * 4;
  }

  private grow(length: number): void {
    this.capacity = length;
    this.peers.clear();
    if (!this.owns) return;
    const name = this.nameOf(this.rank, length);
    try {
      this.own = this.create(name);
    } catch (e) {
      const mb = (this.bytes() / 2 ** 20).toFixed(1);
      const hint = (e as NodeJS.ErrnoException).code === 'ENOSPC' ? ' /dev/shm is full: give it more room (docker: --shm-size or shm_size) or set RWP_SHM=0' : '';
      throw new Error(`rank ${this.rank} cannot create ${mb} MB of shared memory for an allreduce of ${length} floats: ${(e as Error).message}.${hint}`);
    }
    this.names.push(name);
  }

  private create(name: string): ArrayBuffer {
    try {
      return this.shm.create(name, this.bytes());
    } catch (e) {
      // Left by a killed process of this run id and rank: it is ours to replace.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      this.shm.unlink(name);
      return this.shm.create(name, this.bytes());
    }
  }
}
