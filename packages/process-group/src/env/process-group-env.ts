import { ProcessGroupEnvError } from '../errors.js';
import { DEFAULT_MASTER_PORT, DEFAULT_TIMEOUT_MS, type Identity, type ProcessGroupEnv, type Transport } from '../process-group.js';
import { checkBelow, readInt, readPort, readString } from './env-values.js';
import { resolveKubernetes } from './kubernetes-env.js';
import { resolveLauncher } from './launcher-env.js';
import { OPEN_MPI_RANK, resolveOpenMpi } from './mpi-env.js';
import { resolveSlurm } from './slurm-env.js';
import { resolveTorchrun, underTorchrunAgent } from './torchrun-env.js';
import { refuseUnknownLaunch } from './unknown-launcher.js';

/**
 * Identity of this process in the group, from (in order) our launcher's torchrun-style variables
 * (or torchrun's agent), Open MPI's mpirun, Slurm srun, a Kubernetes indexed Job, or else a single
 * process. Open MPI's variables come before Slurm's because mpirun inside an allocation inherits
 * the batch script's SLURM_*. Throws ProcessGroupEnvError naming the variable when a value is
 * malformed or inconsistent, or when another launcher started several processes.
 */
export function resolveProcessGroup(env: NodeJS.ProcessEnv = process.env): ProcessGroupEnv {
  const identity = resolveIdentity(env);
  checkIdentity(identity);
  return { ...identity, transport: readTransport(env), timeoutMs: readInt(env, 'RWP_COMM_TIMEOUT_MS', 1) ?? DEFAULT_TIMEOUT_MS };
}

function resolveIdentity(env: NodeJS.ProcessEnv): Identity {
  if (readString(env, 'RANK') !== undefined) return underTorchrunAgent(env) ? resolveTorchrun(env) : resolveLauncher(env);
  if (readString(env, OPEN_MPI_RANK) !== undefined) return resolveOpenMpi(env);
  if (readString(env, 'SLURM_PROCID') !== undefined) return resolveSlurm(env);
  if (readString(env, 'JOB_COMPLETION_INDEX') !== undefined) return resolveKubernetes(env);
  const worldSize = readInt(env, 'WORLD_SIZE', 1) ?? 1;
  if (worldSize > 1) {
    throw new ProcessGroupEnvError('RANK', `is not set but WORLD_SIZE=${worldSize}; set RANK (or run under rwp-launch, srun or an indexed Job)`);
  }
  refuseUnknownLaunch(env);
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

function readTransport(env: NodeJS.ProcessEnv): Transport {
  const t = readString(env, 'RWP_TRANSPORT') ?? 'ipc';
  if (t !== 'ipc' && t !== 'tcp') throw new ProcessGroupEnvError('RWP_TRANSPORT', `must be "ipc" or "tcp", got "${t}"`);
  return t;
}

function checkIdentity(id: Identity): void {
  const names = {
    launcher: ['RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'LOCAL_WORLD_SIZE'],
    torchrun: ['RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'LOCAL_WORLD_SIZE'],
    mpi: [OPEN_MPI_RANK, 'OMPI_COMM_WORLD_SIZE', 'OMPI_COMM_WORLD_LOCAL_RANK', 'OMPI_COMM_WORLD_LOCAL_SIZE'],
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
