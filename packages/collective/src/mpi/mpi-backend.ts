import type { Mpi } from '@rwp/mpi';
import type { CollectiveBackend } from '../base/collective-backend.js';
import type { Progress } from '../base/fault.js';
import { checkMpiWorld } from './mpi-launch.js';

/**
 * allreduce and broadcast through Open MPI's MPI_Allreduce and MPI_Bcast over MPI_COMM_WORLD,
 * on libuv's pool; rendezvous, job token and failure detection stay with the control plane.
 * Every rank ends with the same bits: each of Open MPI 4.1's allreduce algorithms computes an
 * element's sum on one rank and copies it, or adds in pairs, where IEEE addition commutes (the
 * tests check it on 2 and 3 ranks).
 */
export class MpiBackend implements CollectiveBackend {
  private constructor(private readonly api: Mpi, private readonly progress: Progress) {}

  /** MPI_Init (it blocks until every rank of the world arrives: after the rendezvous, they all have). */
  static start(api: Mpi, rank: number, worldSize: number, progress: Progress): MpiBackend {
    checkMpiWorld(api.init(), rank, worldSize);
    return new MpiBackend(api, progress);
  }

  allreduce(data: Float32Array, seq: number, mean: boolean): Promise<void> {
    this.waitingIn('MPI_Allreduce', seq);
    return this.api.allreduce(data, mean);
  }

  broadcast(data: Float32Array, root: number, seq: number): Promise<void> {
    this.waitingIn('MPI_Bcast', seq);
    return this.api.broadcast(data, root);
  }

  finish(): void {
    this.api.finalize();
  }

  private waitingIn(call: string, seq: number): void {
    this.progress.peer = null;
    this.progress.what = `op #${seq} in ${call} (Open MPI does not say which rank it waits for)`;
  }
}
