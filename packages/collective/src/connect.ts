import type { Communicator, CommunicatorOptions } from './api.js';
import { GroupCommunicator } from './group-communicator.js';
import { ipcDirFor, ipcPathFor } from './host.js';
import { LocalCommunicator } from './local-communicator.js';
import { DEFAULT_TIMEOUT_MS } from './process-group-env.js';

/**
 * Bytes per ring frame. Measured on 2 shared cores (see the allreduce benchmark): 256 KiB moves
 * 64 MiB as fast as 1 MiB does, and being smaller it lets a 4 MiB buffer pipeline round the ring.
 */
export const DEFAULT_CHUNK_BYTES = 256 * 1024;

/**
 * Joins the process group described by `opts` (see resolveProcessGroup for the environment). Every
 * rank calls it; it resolves once the whole ring is linked, or rejects with a CollectiveError
 * ('rendezvous') within timeoutMs.
 */
export async function connect(opts: CommunicatorOptions): Promise<Communicator> {
  checkOptions(opts);
  if (opts.worldSize === 1) return new LocalCommunicator();
  const transport = opts.transport ?? 'ipc';
  const ipcDir = ipcDirFor(opts.runId, opts.masterPort);
  const comm = new GroupCommunicator({
    rank: opts.rank,
    worldSize: opts.worldSize,
    runId: opts.runId,
    transport,
    masterAddr: opts.masterAddr,
    masterPort: opts.masterPort,
    hostAddr: opts.hostAddr ?? process.env.RWP_HOST_ADDR,
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    chunkBytes: opts.chunkBytes ?? DEFAULT_CHUNK_BYTES,
    ipc: transport === 'ipc' ? { dir: ipcDir, path: ipcPathFor(ipcDir, opts.rank) } : null,
    warn: opts.onWarning ?? ((m) => process.stderr.write(`rwp collective: ${m}\n`)),
  });
  await comm.establish();
  return comm;
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
  if (o.timeoutMs !== undefined) int('timeoutMs', o.timeoutMs, 1);
  if (o.chunkBytes !== undefined) {
    int('chunkBytes', o.chunkBytes, 4);
    if (o.chunkBytes % 4 !== 0) throw new RangeError(`connect: chunkBytes must be a multiple of 4 (whole float32s), got ${o.chunkBytes}`);
  }
}
