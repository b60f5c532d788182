import { formatPortRange } from '@rwp/process-group';
import { deviceFor } from './gpus.js';
import type { Attempt, LaunchSettings } from './launch-settings.js';

/** One worker's command line (after `node`) and the variables the launcher sets for it. */
export interface WorkerSpec {
  rank: number;
  localRank: number;
  args: string[];
  env: Record<string, string>;
  /** Variables set like `env` but never shown (--dry-run): the job token. */
  secretEnv: Record<string, string>;
}

/** The workers this node starts for one attempt, with torchrun's variable names. */
export function workerSpecs(plan: LaunchSettings, attempt: Attempt): WorkerSpec[] {
  const args = [plan.worker, plan.config, ...plan.sets.flatMap((s) => ['--set', s]), '--run-dir', plan.runDir];
  if (plan.resume || attempt.restartCount > 0) args.push('--resume');
  return Array.from({ length: plan.nproc }, (_, localRank) => {
    const rank = plan.nodeRank * plan.nproc + localRank;
    const env: Record<string, string> = {
      RANK: String(rank),
      LOCAL_RANK: String(localRank),
      WORLD_SIZE: String(plan.nnodes * plan.nproc),
      LOCAL_WORLD_SIZE: String(plan.nproc),
      GROUP_RANK: String(plan.nodeRank),
      MASTER_ADDR: plan.masterAddr,
      MASTER_PORT: String(attempt.masterPort),
      RWP_RUN_ID: attempt.runId,
      RWP_TRANSPORT: plan.transport,
      RWP_RESTART_COUNT: String(attempt.restartCount),
      RWP_THREADS: String(plan.threads),
      OMP_NUM_THREADS: String(plan.threads),
      RWP_LAUNCHED: '1',
    };
    if (plan.commTimeoutMs !== undefined) env.RWP_COMM_TIMEOUT_MS = String(plan.commTimeoutMs);
    if (plan.dataPorts !== null) env.RWP_DATA_PORTS = formatPortRange(plan.dataPorts);
    const device = deviceFor(plan.gpus, localRank);
    if (device !== undefined) env.CUDA_VISIBLE_DEVICES = device;
    if (device) env.RWP_GPU = device;
    const secretEnv: Record<string, string> = plan.jobToken === null ? {} : { RWP_JOB_TOKEN: plan.jobToken };
    return { rank, localRank, args: [...args], env, secretEnv };
  });
}
