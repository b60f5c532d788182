import { ProcessGroupEnvError } from '../errors.js';
import { readInt, readPort, readString, requireInt } from './env-values.js';
import { WORKER_ENV } from './names.js';
import { DEFAULT_MASTER_PORT, type Identity } from '../process-group.js';
import { masterAddrFor } from './master-addr.js';
import { expandHostList, expandTaskCounts } from './slurm-lists.js';

/** Ports derived from the job id stay in [29500, 31500) so concurrent jobs on a node rarely collide. */
const DERIVED_PORT_SPAN = 2000;

/** Identity from the variables srun sets for each task. */
export function resolveSlurm(env: NodeJS.ProcessEnv): Identity {
  const worldName = readString(env, 'SLURM_NTASKS') !== undefined ? 'SLURM_NTASKS' : 'SLURM_NPROCS';
  const worldSize = requireInt(env, worldName, 1, 'SLURM_PROCID is set, so srun should set SLURM_NTASKS');
  const rank = requireInt(env, 'SLURM_PROCID', 0, 'srun');
  const localRank = requireInt(env, 'SLURM_LOCALID', 0, 'SLURM_PROCID is set, so srun should set SLURM_LOCALID');
  const hosts = nodeList(env);
  const counts = taskCounts(env, worldSize, hosts);
  const nodeRank = readInt(env, 'SLURM_NODEID') ?? blockNodeOf(rank, counts.values, counts.name);
  if (counts.values.length > 1 && nodeRank >= counts.values.length) {
    throw new ProcessGroupEnvError(counts.name, `lists ${counts.values.length} nodes but this task is on node ${nodeRank}`);
  }
  const localWorldSize = counts.values.length === 1 ? counts.values[0] : counts.values[nodeRank];
  const jobId = readInt(env, 'SLURM_JOB_ID');
  const stepId = readString(env, 'SLURM_STEP_ID');
  const runId = jobId === undefined ? 'slurm' : stepId === undefined ? String(jobId) : `${jobId}.${stepId}`;
  return {
    rank,
    worldSize,
    localRank,
    localWorldSize,
    nodeRank,
    masterAddr: masterAddrFor(env, worldSize, 'Slurm', hosts?.[0]),
    masterPort: readPort(env, WORKER_ENV.masterPort) ?? (jobId === undefined ? DEFAULT_MASTER_PORT : DEFAULT_MASTER_PORT + (jobId % DERIVED_PORT_SPAN)),
    runId: readString(env, WORKER_ENV.runId) ?? runId,
    source: 'slurm',
  };
}

function nodeList(env: NodeJS.ProcessEnv): string[] | undefined {
  for (const name of ['SLURM_JOB_NODELIST', 'SLURM_NODELIST']) {
    const list = readString(env, name);
    if (list === undefined) continue;
    try {
      return expandHostList(list);
    } catch (e) {
      throw new ProcessGroupEnvError(name, `cannot parse host list "${list}": ${(e as Error).message}`);
    }
  }
  return undefined;
}

/** Tasks per node: one entry per node, or a single entry when every node runs the same number. */
function taskCounts(env: NodeJS.ProcessEnv, worldSize: number, hosts: string[] | undefined): { name: string; values: number[] } {
  for (const name of ['SLURM_TASKS_PER_NODE', 'SLURM_NTASKS_PER_NODE']) {
    const list = readString(env, name);
    if (list === undefined) continue;
    let values: number[];
    try {
      values = expandTaskCounts(list);
    } catch (e) {
      throw new ProcessGroupEnvError(name, `cannot parse task counts "${list}": ${(e as Error).message}`);
    }
    if (values.some((v) => v < 1)) throw new ProcessGroupEnvError(name, `every node needs at least one task, got "${list}"`);
    return { name, values };
  }
  if (hosts !== undefined && worldSize % hosts.length === 0) return { name: 'SLURM_JOB_NODELIST', values: [worldSize / hosts.length] };
  throw new ProcessGroupEnvError('SLURM_TASKS_PER_NODE', 'is not set, nor SLURM_NTASKS_PER_NODE, and the node list does not divide SLURM_NTASKS evenly; the local world size is unknown');
}

/** Node of a rank when srun places tasks node by node (its default block distribution). */
function blockNodeOf(rank: number, counts: number[], name: string): number {
  if (counts.length === 1) return Math.floor(rank / counts[0]);
  let first = 0;
  for (let node = 0; node < counts.length; node++) {
    first += counts[node];
    if (rank < first) return node;
  }
  throw new ProcessGroupEnvError(name, `places ${first} tasks but SLURM_PROCID=${rank}`);
}
