import { WORKER_ENV as E } from '@rwp/process-group';
import { deviceFor } from '../settings/gpus.js';
import type { Attempt, LaunchSettings } from '../settings/launch-settings.js';

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
      [E.rank]: String(rank),
      [E.localRank]: String(localRank),
      [E.worldSize]: String(plan.nnodes * plan.nproc),
      [E.localWorldSize]: String(plan.nproc),
      [E.groupRank]: String(plan.nodeRank),
      [E.masterAddr]: plan.masterAddr,
      [E.masterPort]: String(attempt.masterPort),
      [E.runId]: attempt.runId,
      [E.restartCount]: String(attempt.restartCount),
      [E.launched]: '1',
      ...plan.flagsEnv,
    };
    const device = deviceFor(plan.gpus, localRank);
    if (device !== undefined) env[E.cudaDevices] = device;
    if (device) env[E.gpu] = device;
    const secretEnv: Record<string, string> = plan.jobToken === null ? {} : { [E.jobToken]: plan.jobToken };
    return { rank, localRank, args: [...args], env, secretEnv };
  });
}
