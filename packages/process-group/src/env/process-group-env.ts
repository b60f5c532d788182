import { ProcessGroupEnvError } from '../errors.js';
import { DEFAULT_MASTER_PORT, DEFAULT_TIMEOUT_MS, DEFAULT_TRANSPORT, TRANSPORTS, type Identity, type ProcessGroupEnv, type Transport } from '../process-group.js';
import { checkBelow, readInt, readPort, readString } from './env-values.js';
import { WORKER_ENV } from './names.js';
import { commTimeoutFromEnv } from './worker-settings.js';
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
  return { ...identity, transport: readTransport(env), timeoutMs: commTimeoutFromEnv(env) ?? DEFAULT_TIMEOUT_MS };
}

function resolveIdentity(env: NodeJS.ProcessEnv): Identity {
  if (readString(env, WORKER_ENV.rank) !== undefined) return underTorchrunAgent(env) ? resolveTorchrun(env) : resolveLauncher(env);
  if (readString(env, OPEN_MPI_RANK) !== undefined) return resolveOpenMpi(env);
  if (readString(env, 'SLURM_PROCID') !== undefined) return resolveSlurm(env);
  if (readString(env, 'JOB_COMPLETION_INDEX') !== undefined) return resolveKubernetes(env);
  const worldSize = readInt(env, WORKER_ENV.worldSize, 1) ?? 1;
  if (worldSize > 1) {
    throw new ProcessGroupEnvError(WORKER_ENV.rank, `is not set but WORLD_SIZE=${worldSize}; set RANK (or run under rwp-launch, srun or an indexed Job)`);
  }
  refuseUnknownLaunch(env);
  return {
    rank: 0,
    worldSize: 1,
    localRank: 0,
    localWorldSize: 1,
    nodeRank: 0,
    masterAddr: readString(env, WORKER_ENV.masterAddr) ?? '127.0.0.1',
    masterPort: readPort(env, WORKER_ENV.masterPort) ?? DEFAULT_MASTER_PORT,
    runId: readString(env, WORKER_ENV.runId) ?? 'single',
    source: 'single',
  };
}

function readTransport(env: NodeJS.ProcessEnv): Transport {
  const t = readString(env, WORKER_ENV.transport) ?? DEFAULT_TRANSPORT;
  if (!(TRANSPORTS as readonly string[]).includes(t)) {
    throw new ProcessGroupEnvError(WORKER_ENV.transport, `must be ${TRANSPORTS.map((k) => `"${k}"`).join(' or ')}, got "${t}"`);
  }
  return t as Transport;
}

function checkIdentity(id: Identity): void {
  const names = {
    launcher: [WORKER_ENV.rank, WORKER_ENV.worldSize, WORKER_ENV.localRank, WORKER_ENV.localWorldSize],
    torchrun: [WORKER_ENV.rank, WORKER_ENV.worldSize, WORKER_ENV.localRank, WORKER_ENV.localWorldSize],
    mpi: [OPEN_MPI_RANK, 'OMPI_COMM_WORLD_SIZE', 'OMPI_COMM_WORLD_LOCAL_RANK', 'OMPI_COMM_WORLD_LOCAL_SIZE'],
    slurm: ['SLURM_PROCID', 'SLURM_NTASKS', 'SLURM_LOCALID', 'SLURM_TASKS_PER_NODE'],
    kubernetes: [WORKER_ENV.rank, WORKER_ENV.worldSize, WORKER_ENV.localRank, 'RWP_NPROC_PER_POD'],
    single: [WORKER_ENV.rank, WORKER_ENV.worldSize, WORKER_ENV.localRank, WORKER_ENV.localWorldSize],
  }[id.source];
  checkBelow(names[0], id.rank, names[1], id.worldSize);
  checkBelow(names[2], id.localRank, names[3], id.localWorldSize);
  if (id.localWorldSize > id.worldSize) {
    throw new ProcessGroupEnvError(names[3], `${names[3]}=${id.localWorldSize} exceeds ${names[1]}=${id.worldSize}`);
  }
}

/**
 * This process's rank for its log lines, resolved as resolveProcessGroup does (launcher, Slurm or
 * Kubernetes); 0 where the environment is malformed, which resolving the group then reports.
 */
export function rankForLogs(env: NodeJS.ProcessEnv = process.env): number {
  try {
    return resolveProcessGroup(env).rank;
  } catch (e) {
    if (e instanceof ProcessGroupEnvError) return 0;
    throw e;
  }
}
