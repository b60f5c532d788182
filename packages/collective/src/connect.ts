import { dataPortsFromEnv, DEFAULT_TIMEOUT_MS, hostAddrFromEnv, jobTokenFromEnv, sharedMemoryAllowed } from '@rwp/process-group';
import { sharedMemory, sharedMemoryMissing, shmPrefixFor, type SharedMemory } from '@rwp/shm';
import type { Communicator, CommunicatorOptions } from './base/api.js';
import { BACKENDS, DEFAULT_BACKEND, isBackendName } from './group/backends.js';
import { GroupCommunicator } from './group/group-communicator.js';
import { ipcDirFor, ipcPathFor } from './transport/ipc-dir.js';
import { LocalCommunicator } from './group/local-communicator.js';
import { mpiForLaunch } from './mpi/mpi-launch.js';

/**
 * Bytes per ring frame. Measured with the allreduce benchmark on 2 shared cores, 2 and 4 ranks:
 * CPU per allreduce falls from 256 KiB to 1 MiB frames (fewer reads, writes and wake-ups) and
 * is flat beyond; 1 MiB still cuts a 4 MiB buffer into pieces that pipeline round 2 ranks, and
 * bounds the scratch memory each partial sum in flight takes.
 */
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;

/**
 * Joins the process group described by `opts` (see resolveProcessGroup for the environment). Every
 * rank calls it; it resolves once the whole ring is linked, or rejects with a CollectiveError
 * ('rendezvous') within timeoutMs.
 */
export async function connect(opts: CommunicatorOptions): Promise<Communicator> {
  checkOptions(opts);
  if (opts.worldSize === 1) return new LocalCommunicator();
  const backend = opts.backend !== undefined && isBackendName(opts.backend) ? opts.backend : DEFAULT_BACKEND;
  // Checked before the rendezvous, so that a rank that cannot use MPI fails at once, naming itself.
  const mpi = backend === 'mpi' ? mpiForLaunch(opts.rank, opts.worldSize) : null;
  const transport = opts.transport ?? 'ipc';
  const ipcDir = ipcDirFor(opts.runId, opts.masterPort);
  const comm = new GroupCommunicator({
    rank: opts.rank,
    worldSize: opts.worldSize,
    runId: opts.runId,
    transport,
    masterAddr: opts.masterAddr,
    masterPort: opts.masterPort,
    hostAddr: opts.hostAddr ?? hostAddrFromEnv(),
    dataPorts: opts.dataPorts === undefined ? dataPortsFromEnv() : opts.dataPorts,
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    chunkBytes: opts.chunkBytes ?? DEFAULT_CHUNK_BYTES,
    backend,
    ipc: transport === 'ipc' ? { dir: ipcDir, path: ipcPathFor(ipcDir, opts.rank) } : null,
    // The ring's shared-memory regions would sit unused beside Open MPI's.
    shm: backend === 'ring' ? sharedMemoryFor(opts, transport) : null,
    mpi,
    token: opts.jobToken === undefined ? jobTokenFromEnv() : opts.jobToken,
    logDir: opts.logDir ?? null,
    warn: opts.onWarning ?? warnOnStderr,
  });
  await comm.establish();
  return comm;
}

/** Shared memory for allreduce where asked for (ipc, RWP_SHM not 0) and the addon is built. */
function sharedMemoryFor(opts: CommunicatorOptions, transport: string): { api: SharedMemory; prefix: string } | null {
  if (transport !== 'ipc' || !(opts.sharedMemory ?? sharedMemoryAllowed())) return null;
  const api = sharedMemory();
  if (api === null) {
    if (opts.rank === 0) (opts.onWarning ?? warnOnStderr)(`allreduce goes over unix sockets: ${sharedMemoryMissing()}`);
    return null;
  }
  return { api, prefix: shmPrefixFor(opts.runId, opts.masterPort) };
}

function warnOnStderr(m: string): void {
  process.stderr.write(`rwp collective: ${m}\n`);
}

function checkOptions(o: CommunicatorOptions): void {
  const int = (name: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new RangeError(`connect: ${name} must be an integer from ${min} to ${max}, got ${String(v)}`);
    }
  };
  int('worldSize', o.worldSize, 1);
  int('rank', o.rank, 0, o.worldSize - 1);
  if (o.worldSize === 1) return;
  int('masterPort', o.masterPort, 1, 65535);
  if (typeof o.masterAddr !== 'string' || o.masterAddr === '') throw new RangeError('connect: masterAddr must be a host name or address');
  if (typeof o.runId !== 'string' || o.runId === '') throw new RangeError('connect: runId must be a non-empty string');
  if (o.transport !== undefined && o.transport !== 'ipc' && o.transport !== 'tcp') {
    throw new RangeError(`connect: transport must be "ipc" or "tcp", got "${String(o.transport)}"`);
  }
  if (o.backend !== undefined && !isBackendName(o.backend)) {
    throw new RangeError(`connect: backend must be one of ${Object.keys(BACKENDS).map((n) => `"${n}"`).join(', ')}, got "${String(o.backend)}"`);
  }
  if (o.timeoutMs !== undefined) int('timeoutMs', o.timeoutMs, 1);
  if (o.chunkBytes !== undefined) {
    int('chunkBytes', o.chunkBytes, 4);
    if (o.chunkBytes % 4 !== 0) throw new RangeError(`connect: chunkBytes must be a multiple of 4 (whole float32s), got ${o.chunkBytes}`);
  }
}
