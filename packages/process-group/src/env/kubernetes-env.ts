import { ProcessGroupEnvError } from '../errors.js';
import { readInt, readPort, readString, requireInt } from './env-values.js';
import { WORKER_ENV } from './names.js';
import { DEFAULT_MASTER_PORT, type Identity } from '../process-group.js';
import { masterAddrFor } from './master-addr.js';

/**
 * Identity in a Kubernetes indexed Job: the completion index numbers the pod (the "node"), each pod
 * runs RWP_NPROC_PER_POD processes (default 1) and MASTER_ADDR names pod 0 through a headless service.
 */
export function resolveKubernetes(env: NodeJS.ProcessEnv): Identity {
  const index = requireInt(env, 'JOB_COMPLETION_INDEX', 0, 'indexed Job');
  const nproc = readInt(env, 'RWP_NPROC_PER_POD', 1) ?? 1;
  const localRank = readInt(env, WORKER_ENV.localRank);
  if (localRank === undefined && nproc > 1) {
    throw new ProcessGroupEnvError(WORKER_ENV.localRank, `is not set but RWP_NPROC_PER_POD=${nproc}; each process in the pod needs its own LOCAL_RANK`);
  }
  const { nnodes, worldSize } = podCount(env, nproc);
  if (index >= nnodes) {
    throw new ProcessGroupEnvError('JOB_COMPLETION_INDEX', `JOB_COMPLETION_INDEX=${index} must be less than the number of pods, ${nnodes}`);
  }
  return {
    rank: index * nproc + (localRank ?? 0),
    worldSize,
    localRank: localRank ?? 0,
    localWorldSize: nproc,
    nodeRank: index,
    masterAddr: masterAddrFor(env, worldSize, 'Kubernetes'),
    masterPort: readPort(env, WORKER_ENV.masterPort) ?? DEFAULT_MASTER_PORT,
    runId: readString(env, WORKER_ENV.runId) ?? readString(env, 'JOB_NAME') ?? jobNameFromHost(env, index) ?? 'kubernetes',
    source: 'kubernetes',
  };
}

function podCount(env: NodeJS.ProcessEnv, nproc: number): { nnodes: number; worldSize: number } {
  const nnodes = readInt(env, 'RWP_NNODES', 1);
  const world = readInt(env, WORKER_ENV.worldSize, 1);
  if (nnodes !== undefined && world !== undefined && world !== nnodes * nproc) {
    throw new ProcessGroupEnvError(WORKER_ENV.worldSize, `WORLD_SIZE=${world} differs from RWP_NNODES=${nnodes} x RWP_NPROC_PER_POD=${nproc}`);
  }
  if (nnodes !== undefined) return { nnodes, worldSize: nnodes * nproc };
  if (world === undefined) {
    throw new ProcessGroupEnvError('RWP_NNODES', 'is not set, nor WORLD_SIZE; an indexed Job must say how many pods (or processes) take part');
  }
  if (world % nproc !== 0) {
    throw new ProcessGroupEnvError(WORKER_ENV.worldSize, `WORLD_SIZE=${world} is not a multiple of RWP_NPROC_PER_POD=${nproc}`);
  }
  return { nnodes: world / nproc, worldSize: world };
}

/** An indexed Job's pod host name is "<job>-<index>", maybe with a random suffix. */
function jobNameFromHost(env: NodeJS.ProcessEnv, index: number): string | undefined {
  const host = readString(env, 'HOSTNAME');
  const m = host === undefined ? null : new RegExp(`^(.+)-${index}(?:-[a-z0-9]+)?$`).exec(host);
  return m?.[1];
}
