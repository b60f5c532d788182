import { createHash, createHmac, randomBytes } from 'node:crypto';
import { DEFAULT_MASTER_PORT, type Transport } from '@rwp/process-group';
import { commTimeoutMs, flagsWorkerEnv, withDefaults } from './flags.js';
import { checkGpuCount, planGpus, type GpuPlan } from './gpus.js';
import { validateOptions, type LaunchOptions } from './options.js';
import { resolveJobToken } from './job-token.js';
import { assertPortFree, pickFreePort } from './ports.js';
import { resolveRunDir } from './run-dir.js';
import { resolveWorkerProgram } from './worker-program.js';

/** Everything fixed for the whole launch, checked up front. */
export interface LaunchSettings {
  config: string;
  sets: string[];
  worker: string;
  runDir: string;
  nproc: number;
  nnodes: number;
  nodeRank: number;
  masterAddr: string;
  /** Undefined on a single node without --master-port: each attempt picks a free one. */
  masterPort: number | undefined;
  /** The secret every worker proves on each connection (RWP_JOB_TOKEN), or null when waived. */
  jobToken: string | null;
  /** Where the token came from, for the start-up line. */
  jobTokenSource: string;
  /** What the launcher should warn about once its log is open. */
  warnings: string[];
  transport: Transport;
  threads: number;
  commTimeoutMs: number | undefined;
  /** The variables the flags set in every worker's environment (FLAGS' `env`). */
  flagsEnv: Record<string, string>;
  gpus: GpuPlan;
  runId: string | undefined;
  maxRestarts: number;
  resume: boolean;
}

/** What changes from one (re)start of the group to the next. */
export interface Attempt {
  restartCount: number;
  runId: string;
  masterPort: number;
}

export function resolveLaunchSettings(options: LaunchOptions, now = new Date()): LaunchSettings {
  const o = withDefaults(options);
  validateOptions(o);
  const { nnodes } = o;
  const sets = o.sets ?? [];
  const warnings: string[] = [];
  const { token, source } = resolveJobToken({ tokenFile: o.tokenFile, unauthenticated: o.unauthenticated, nnodes }, (m) => warnings.push(m));
  const gpus = planGpus(o.gpus, o.shareGpus === true);
  checkGpuCount(gpus, o.nproc);
  return {
    config: o.config,
    sets,
    runDir: resolveRunDir(o.config, o.runDir, sets, now),
    worker: resolveWorkerProgram(o.worker),
    nproc: o.nproc,
    nnodes,
    nodeRank: o.nodeRank,
    masterAddr: o.masterAddr ?? '127.0.0.1',
    masterPort: o.masterPort ?? (nnodes > 1 ? DEFAULT_MASTER_PORT : undefined),
    jobToken: token,
    jobTokenSource: source,
    warnings,
    transport: o.transport,
    threads: o.threads,
    commTimeoutMs: o.commTimeoutSeconds === undefined ? undefined : commTimeoutMs(o.commTimeoutSeconds),
    flagsEnv: flagsWorkerEnv(o),
    gpus,
    runId: o.runId,
    maxRestarts: o.maxRestarts,
    resume: o.resume === true,
  };
}

/**
 * Port and run id for one (re)start. A fresh run id per attempt keeps a straggler of an earlier
 * attempt out of the new group; on several nodes it is derived so that every node agrees on it.
 */
export async function prepareAttempt(settings: LaunchSettings, restartCount: number, checkPort: boolean): Promise<Attempt> {
  let masterPort = settings.masterPort;
  if (masterPort === undefined) masterPort = await pickFreePort(settings.masterAddr);
  else if (checkPort && settings.nodeRank === 0) await assertPortFree(masterPort);
  return { restartCount, masterPort, runId: attemptRunId(settings, restartCount, masterPort) };
}

function attemptRunId(settings: LaunchSettings, restartCount: number, masterPort: number): string {
  if (settings.runId !== undefined) return restartCount === 0 ? settings.runId : `${settings.runId}-r${restartCount}`;
  if (settings.nnodes === 1) return randomBytes(8).toString('hex');
  // Keyed by the job token, a stranger cannot predict it.
  const seed = `${settings.masterAddr}:${masterPort}:${restartCount}`;
  const digest = settings.jobToken === null ? createHash('sha256').update(seed) : createHmac('sha256', settings.jobToken).update(seed);
  return digest.digest('hex').slice(0, 16);
}
