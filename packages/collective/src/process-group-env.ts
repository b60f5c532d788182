import { ProcessGroupEnvError } from './errors.js';
import { checkBelow, readInt, readPort, readString, requireInt } from './env-values.js';
import { DEFAULT_MASTER_PORT, masterAddrFor, type Identity } from './identity.js';
import { resolveSlurm } from './slurm-env.js';
import { resolveKubernetes } from './kubernetes-env.js';

export type Transport = 'ipc' | 'tcp';

export interface ProcessGroupEnv {
  rank: number;
  worldSize: number;
  localRank: number;
  localWorldSize: number;
  nodeRank: number;
  masterAddr: string;
  masterPort: number;
  runId: string;
  transport: Transport;
  timeoutMs: number;
  source: 'launcher' | 'slurm' | 'kubernetes' | 'single';
}

/** Long enough for a slow first step or a checkpoint write on a peer, short enough to end a stuck job. */
export const DEFAULT_TIMEOUT_MS = 300_000;

/**
 * Identity of this process in the group, from (in order) our launcher's torchrun-style variables,
 * Slurm srun, a Kubernetes indexed Job, or else a single process. Throws ProcessGroupEnvError
 * naming the variable when a value is malformed or inconsistent.
 */
export function resolveProcessGroup(env: NodeJS.ProcessEnv = process.env): ProcessGroupEnv {
  const identity = resolveIdentity(env);
  checkIdentity(identity);
  return { ...identity, transport: readTransport(env), timeoutMs: readInt(env, 'RWP_COMM_TIMEOUT_MS', 1) ?? DEFAULT_TIMEOUT_MS };
}

function resolveIdentity(env: NodeJS.ProcessEnv): Identity {
  if (readString(env, 'RANK') !== undefined) return resolveLauncher(env);
  if (readString(env, 'SLURM_PROCID') !== undefined) return resolveSlurm(env);
  if (readString(env, 'JOB_COMPLETION_INDEX') !== undefined) return resolveKubernetes(env);
  const worldSize = readInt(env, 'WORLD_SIZE', 1) ?? 1;
  if (worldSize > 1) {
    throw new ProcessGroupEnvError('RANK', `is not set but WORLD_SIZE=${worldSize}; set RANK (or run under rwp-launch, srun or an indexed Job)`);
  }
  return {
    rank: 0,
    worldSize: 1,
    localRank: 0,
    localWorldSize: 1,
    nodeRank: 0,
    masterAddr: readString(env, 'MASTER_ADDR') ?? '127.0.0.1',
    masterPort: readPort(env, 'MASTER_PORT') ?? DEFAULT_MASTER_PORT,
    runId: readString(env, 'RWP_RUN_ID') ?? 'single',
    source: 'single',
  };
}

function resolveLauncher(env: NodeJS.ProcessEnv): Identity {
  const worldSize = requireInt(env, 'WORLD_SIZE', 1, 'RANK is set, so WORLD_SIZE must be too');
  const rank = requireInt(env, 'RANK', 0, 'launcher');
  checkBelow('RANK', rank, 'WORLD_SIZE', worldSize);
  const localWorldSize = readInt(env, 'LOCAL_WORLD_SIZE', 1) ?? worldSize;
  const localRank = readInt(env, 'LOCAL_RANK') ?? rank % localWorldSize;
  return {
    rank,
    worldSize,
    localRank,
    localWorldSize,
    nodeRank: readInt(env, 'GROUP_RANK') ?? Math.floor(rank / localWorldSize),
    masterAddr: masterAddrFor(env, worldSize, 'launcher'),
    masterPort: readPort(env, 'MASTER_PORT') ?? DEFAULT_MASTER_PORT,
    runId: readString(env, 'RWP_RUN_ID') ?? readString(env, 'TORCHELASTIC_RUN_ID') ?? 'default',
    source: 'launcher',
  };
}

function readTransport(env: NodeJS.ProcessEnv): Transport {
  const t = readString(env, 'RWP_TRANSPORT') ?? 'ipc';
  if (t !== 'ipc' && t !== 'tcp') throw new ProcessGroupEnvError('RWP_TRANSPORT', `must be "ipc" or "tcp", got "${t}"`);
  return t;
}

function checkIdentity(id: Identity): void {
  const names = {
    launcher: ['RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'LOCAL_WORLD_SIZE'],
    slurm: ['SLURM_PROCID', 'SLURM_NTASKS', 'SLURM_LOCALID', 'SLURM_TASKS_PER_NODE'],
    kubernetes: ['RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'RWP_NPROC_PER_POD'],
    single: ['RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'LOCAL_WORLD_SIZE'],
  }[id.source];
  checkBelow(names[0], id.rank, names[1], id.worldSize);
  checkBelow(names[2], id.localRank, names[3], id.localWorldSize);
  if (id.localWorldSize > id.worldSize) {
    throw new ProcessGroupEnvError(names[3], `${names[3]}=${id.localWorldSize} exceeds ${names[1]}=${id.worldSize}`);
  }
}
