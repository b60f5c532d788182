import type { PortRange, Transport } from '@rwp/process-group';

export type ReduceOp = 'sum' | 'mean';

export interface CommunicatorOptions {
  rank: number;
  worldSize: number;
  masterAddr: string;
  masterPort: number;
  runId: string;
  /** 'ipc' (default): shared memory or ipc:// between ranks on one host, tcp:// between hosts. 'tcp': tcp:// everywhere. */
  transport?: Transport;
  /** Deadline of each collective and of the rendezvous. */
  timeoutMs?: number;
  /**
   * Which implementation runs allreduce and broadcast (see group/backends.ts): 'ring' (default), or
   * 'mpi', Open MPI's MPI_Allreduce and MPI_Bcast, for workers started by mpirun.
   */
  backend?: string;
  /** Bytes per frame of a ring collective; a multiple of 4. */
  chunkBytes?: number;
  /** Address other hosts reach this rank at; default RWP_HOST_ADDR, else the one routing to MASTER_ADDR. */
  hostAddr?: string;
  /** TCP ports the ring's listening socket may take (default RWP_DATA_PORTS; null or unset: any the kernel picks). */
  dataPorts?: PortRange | null;
  /**
   * With transport 'ipc', let allreduce move its data through shared memory on each link whose
   * two ranks see the same /dev/shm (default: true, unless RWP_SHM=0); such a link then carries
   * only notices.
   */
  sharedMemory?: boolean;
  /**
   * The job's secret (default RWP_JOB_TOKEN; null or unset: none). Every control and ring
   * connection proves it by challenge-response before anything it sends is read; a connection
   * that does not is refused, and the refusal logged with its address.
   */
  jobToken?: string | null;
  /**
   * Where this rank writes its last collectives (flight-rank-R.json: op, sequence number, bytes,
   * start, end or pending, peers) when the group fails, e.g. RUN_DIR/logs; unset: not written.
   */
  logDir?: string;
  /** Where rank 0 reports refused registrations (default: stderr). */
  onWarning?: (message: string) => void;
}

/**
 * A group of processes that run collectives together. Every rank must call the same collectives
 * in the same order; calls made without awaiting the previous one run one after another.
 */
export interface Communicator {
  readonly rank: number;
  readonly worldSize: number;
  /** Whether allreduce moves its data through shared memory on every link, none over the ring's sockets. */
  readonly sharedMemory: boolean;
  /**
   * How many of the ring's worldSize links move their data through shared memory (those between
   * ranks that share a /dev/shm, e.g. of one host); the others use the ring's sockets.
   */
  readonly sharedMemoryLinks: number;
  /** Sums (or averages) `data` over all ranks, in place; every rank ends with the same bits. */
  allreduce(data: Float32Array, op?: ReduceOp): Promise<void>;
  /** Copies root's `data` into every rank's `data`, in place; lengths must match. */
  broadcast(data: Float32Array, root: number): Promise<void>;
  /** Root's msgpack-encodable value, on every rank. */
  broadcastValue<T>(value: T | undefined, root: number): Promise<T>;
  /** Every rank's small msgpack-encodable value, indexed by rank. */
  allgather<T>(value: T): Promise<T[]>;
  barrier(): Promise<void>;
  /**
   * Waits until every rank has called close (or the group has failed), then frees the sockets.
   * Never rejects; the process does not wait at exit afterwards.
   */
  close(): Promise<void>;
}
