import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { DEFAULT_TIMEOUT_MS } from '@rwp/process-group';
import { removeRunRegions } from '@rwp/shm';
import { LocalAttempts, type Attempts, type Next } from './nodes/attempts.js';
import { createCombinedOutput } from './output/combined-output.js';
import { LaunchError } from './errors.js';
import { Coordinator } from './nodes/coordinator.js';
import { Follower } from './nodes/follower.js';
import { createLauncherLog } from './output/launcher-log.js';
import type { FailureInfo } from './nodes/launcher-messages.js';
import type { LaunchOptions } from './settings/options.js';
import { prepareAttempt, resolveLaunchSettings, type Attempt, type LaunchSettings } from './settings/launch-settings.js';
import { exitCodeForSignal } from './workers/signals.js';
import { describeExit, WorkerGroup, type WorkerFailure } from './workers/worker-group.js';
import { workerSpecs } from './workers/worker-spec.js';

export interface LaunchResult {
  /** What `rwp-launch` exits with: 0, the failed worker's code (128 + signal number if killed), or 128 + the signal that stopped the launcher. */
  exitCode: number;
  runDir: string;
  /** How many times the group was started again. */
  restarts: number;
  /** The worker whose end stopped the last attempt. */
  failure?: { rank: number; exitCode: number | null; signal: NodeJS.Signals | null };
  /** SIGINT, SIGTERM or SIGHUP received by the launcher. */
  interruptedBy?: NodeJS.Signals;
}

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const SHOWN_LINE_CHARS = 1000;

/**
 * Starts this node's workers, watches them, tears the group down when one fails, and restarts it
 * with `--resume` up to `maxRestarts` times. On several hosts node 0's launcher makes these
 * decisions for every node (Coordinator), so all stop, restart and end together. While it runs,
 * SIGINT/SIGTERM/SIGHUP sent to this process are forwarded to every worker (a second one kills
 * them at once).
 */
export async function launch(options: LaunchOptions): Promise<LaunchResult> {
  const plan = resolveLaunchSettings(options);
  // A taken port fails here, before anything is written.
  const first = await prepareAttempt(plan, 0, true);
  const logDir = join(plan.runDir, 'logs');
  try {
    mkdirSync(logDir, { recursive: true });
  } catch (e) {
    throw new LaunchError(`cannot create the log directory ${logDir}: ${(e as Error).message}`);
  }
  const out = options.output ?? process.stdout;
  const output = await createCombinedOutput(out, options.pretty ?? out.isTTY === true);
  const { logger, close } = createLauncherLog(join(logDir, 'launcher.log'), output);
  const graceMs = (options.graceSeconds ?? 5) * 1000;

  let interruptedBy: NodeJS.Signals | undefined;
  let group: WorkerGroup | undefined;
  let onInterrupt: () => void = () => undefined;
  const interruption = new Promise<'interrupted'>((resolve) => {
    onInterrupt = () => resolve('interrupted');
  });
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interruptedBy !== undefined) {
      logger.warn(`got ${signal} again: killing every worker now`);
      group?.kill();
      return;
    }
    interruptedBy = signal;
    logger.warn(`got ${signal}: forwarding it to every worker (SIGKILL after ${graceMs / 1000} s)`);
    group?.stop(signal);
    if (group === undefined) onInterrupt();
  };
  for (const s of FORWARDED) process.on(s, onSignal);

  let attempts: Attempts | undefined;
  try {
    warnIfOversubscribed(plan, logger);
    for (const w of plan.warnings) logger.warn(w);
    logger.info(`job token (every connection of the workers proves it): ${plan.jobTokenSource}`);
    const joined = await Promise.race([openAttempts(plan, first, logger), interruption]);
    if (joined === 'interrupted') return interrupted(interruptedBy!, plan, 0, logger);
    attempts = joined;
    let restarts = 0;
    for (;;) {
      const next = await Promise.race([attempts.next(), interruption]);
      if (next === 'interrupted' || interruptedBy !== undefined) return interrupted(interruptedBy!, plan, restarts, logger);
      if (next.kind === 'finish') {
        logger.info(`all ${plan.nproc} worker(s) finished`);
        return { exitCode: 0, runDir: plan.runDir, restarts };
      }
      if (next.kind === 'give-up') return gaveUp(next, plan, restarts, logger);
      const attempt = next.attempt;
      restarts = attempt.restartCount;
      if (restarts > 0) logger.warn({ restart: restarts }, `restarting the group with --resume (restart ${restarts} of ${plan.maxRestarts})`);
      logger.info(
        { runId: attempt.runId, masterAddr: plan.masterAddr, masterPort: attempt.masterPort, runDir: plan.runDir, restart: restarts },
        `starting ${plan.nproc} worker(s) on node ${plan.nodeRank} of ${plan.nnodes} (world size ${plan.nproc * plan.nnodes}), ` +
          `run id ${attempt.runId}, master ${plan.masterAddr}:${attempt.masterPort}, transport ${plan.transport}, run dir ${plan.runDir}`,
      );
      const current = new WorkerGroup(workerSpecs(plan, attempt), { logDir, output, logger, graceMs, onFailure: (f) => attempts?.failing(failureInfo(plan, f)) });
      group = current;
      attempts.watch(() => current.stop('SIGTERM'));
      const failure = await current.wait();
      group = undefined;
      // Workers remove their own shared memory; one that was killed could not.
      const left = removeRunRegions(attempt.runId, attempt.masterPort);
      if (left > 0) logger.info(`removed ${left} shared-memory region(s) left in /dev/shm by workers that did not close`);
      if (failure !== undefined) logger.error({ failedRank: failure.rank, exitCode: failure.exit.code, signal: failure.exit.signal }, failureReport(failure));
      const outcome = interruptedBy !== undefined ? 'interrupted' : failure === undefined ? 'done' : 'failed';
      attempts.ended(outcome, failure === undefined ? null : failureInfo(plan, failure));
    }
  } finally {
    attempts?.close();
    for (const s of FORWARDED) process.off(s, onSignal);
    close();
    output.close();
  }
}

/** One host decides alone; on several, node 0's launcher decides for all, once every node has joined. */
async function openAttempts(plan: LaunchSettings, first: Attempt, logger: Logger): Promise<Attempts> {
  if (plan.nnodes === 1) return new LocalAttempts(plan, first);
  const deadlineMs = plan.commTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  return plan.nodeRank === 0 ? Coordinator.open(plan, first, logger, deadlineMs) : Follower.join(plan, logger, deadlineMs);
}

/** A failure as the launchers tell each other about it and exit with it. */
function failureInfo(plan: LaunchSettings, f: WorkerFailure): FailureInfo {
  return { node: plan.nodeRank, rank: f.rank, exitCode: f.exit.code, signal: f.exit.signal, code: failureExitCode(f), what: describeExit(f.exit) };
}

function gaveUp(next: Extract<Next, { kind: 'give-up' }>, plan: LaunchSettings, restarts: number, logger: Logger): LaunchResult {
  if (next.reason !== null) logger.error(next.reason);
  const f = next.failure;
  if (f !== null && f.node !== plan.nodeRank) logger.error(`the job ends: ${f.rank === null ? f.what : `rank ${f.rank} on node ${f.node} ${f.what}`}`);
  return {
    exitCode: f?.code ?? 1,
    runDir: plan.runDir,
    restarts,
    ...(f !== null && f.rank !== null ? { failure: { rank: f.rank, exitCode: f.exitCode, signal: f.signal } } : {}),
  };
}

function interrupted(signal: NodeJS.Signals, plan: LaunchSettings, restarts: number, logger: Logger): LaunchResult {
  logger.warn(`stopped by ${signal}`);
  return { exitCode: exitCodeForSignal(signal), runDir: plan.runDir, restarts, interruptedBy: signal };
}

function failureReport(f: WorkerFailure): string {
  const head = `rank ${f.rank} ${describeExit(f.exit)}`;
  if (f.tail.length === 0) return `${head}; it wrote no output (log: ${f.logFile})`;
  const lines = f.tail.map((l) => `  | ${l.length > SHOWN_LINE_CHARS ? `${l.slice(0, SHOWN_LINE_CHARS)}...` : l}`);
  return `${head}; its last ${f.tail.length} line(s) (full log: ${f.logFile}):\n${lines.join('\n')}`;
}

function failureExitCode(f: WorkerFailure): number {
  if (f.exit.signal !== null) return exitCodeForSignal(f.exit.signal);
  return f.exit.code !== null && f.exit.code !== 0 ? f.exit.code : 1;
}

/** Threads beyond the cores slow every rank down; say so rather than let it pass silently. */
function warnIfOversubscribed(plan: LaunchSettings, logger: Logger): void {
  const cores = availableParallelism();
  if (plan.nproc * plan.threads > cores) {
    logger.warn(`${plan.nproc} worker(s) x ${plan.threads} thread(s) exceed the ${cores} core(s) of this host; ranks will compete for CPU`);
  }
}
