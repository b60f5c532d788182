// Per-epoch lines in RUN_DIR/metrics.jsonl, the run's summary.json, and per-step times.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { StepSplit } from '@rwp/process-group';

/** One line of RUN_DIR/metrics.jsonl: the contract with rwp-plot and the benchmarks. */
export interface EpochMetrics {
  epoch: number;
  step: number;
  lr: number;
  train_loss: number;
  train_acc: number;
  test_loss: number | null;
  test_acc: number | null;
  epoch_seconds: number;
  step_ms: number;
  comm_ms: number;
  data_ms: number;
  images_per_s: number;
  /** Each rank's mean compute ms per step in this pass, by rank (absent in lines of older runs). */
  rank_compute_ms?: number[];
  /** Set when train.max_steps stopped the run in the middle of this pass. */
  partial?: boolean;
}

export function appendMetrics(runDir: string, m: EpochMetrics): void {
  appendFileSync(join(runDir, 'metrics.jsonl'), JSON.stringify(m) + '\n');
}

/** The lines of RUN_DIR/metrics.jsonl (none if it does not exist); a line cut short by a killed writer is left out. */
export function readMetrics(runDir: string): EpochMetrics[] {
  const path = join(runDir, 'metrics.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as EpochMetrics];
      } catch {
        return [];
      }
    });
}

/** On resume: drop the lines of epochs after the checkpoint, so no epoch is reported twice. */
export function truncateMetrics(runDir: string, lastEpoch: number): void {
  const path = join(runDir, 'metrics.jsonl');
  if (!existsSync(path)) return;
  const kept = readMetrics(runDir).filter((m) => m.epoch <= lastEpoch);
  writeFileSync(path, kept.map((m) => JSON.stringify(m) + '\n').join(''));
}


/** The means of metrics lines, each weighted by its steps; null when they hold no step. */
export function stepSplit(lines: readonly EpochMetrics[]): StepSplit | null {
  let before = 0;
  let steps = 0;
  const sum = { step: 0, comm: 0, data: 0 };
  for (const m of lines) {
    const n = m.step - before;
    before = m.step;
    steps += n;
    sum.step += n * m.step_ms;
    sum.comm += n * m.comm_ms;
    sum.data += n * m.data_ms;
  }
  if (steps <= 0) return null;
  const split = { step_ms: sum.step / steps, comm_ms: sum.comm / steps, data_ms: sum.data / steps };
  return { ...split, compute_ms: split.step_ms - split.comm_ms - split.data_ms };
}

/** A rank this much slower than the median rank over a whole epoch is named as a straggler. */
export const STRAGGLER_SLOWER = 0.2;

/**
 * The ranks whose compute per step is more than STRAGGLER_SLOWER above the median rank's: in data
 * parallel training the others wait for them inside the allreduce, so their comm time hides it.
 */
export function stragglers(computeMs: readonly number[]): Array<{ rank: number; ms: number; median: number }> {
  const sorted = [...computeMs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return computeMs.flatMap((ms, rank) => (median > 0 && ms > median * (1 + STRAGGLER_SLOWER) ? [{ rank, ms, median }] : []));
}

/** The warning line for a straggler of epoch `epoch`. */
export function stragglerMessage(epoch: number, s: { rank: number; ms: number; median: number }): string {
  const slower = Math.round((s.ms / s.median - 1) * 100);
  return `straggler: rank ${s.rank} computed ${s.ms.toFixed(1)} ms/step in epoch ${epoch}, ${slower}% slower than the median rank (${s.median.toFixed(1)} ms)`;
}

export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  renameSync(tmp, path);
}

/** One line of RUN_DIR/steps/rank-<R>.jsonl. */
export interface StepTime {
  step: number;
  epoch: number;
  step_ms: number;
  compute_ms: number;
  comm_ms: number;
  data_ms: number;
}

/** Per-step times of one rank, buffered and appended to RUN_DIR/steps/rank-<R>.jsonl once per pass. */
export class StepTimes {
  private readonly path: string;
  private lines: string[] = [];

  constructor(runDir: string, rank: number) {
    mkdirSync(join(runDir, 'steps'), { recursive: true });
    this.path = join(runDir, 'steps', `rank-${rank}.jsonl`);
  }

  add(t: StepTime): void {
    this.lines.push(JSON.stringify(t));
  }

  flush(): void {
    if (this.lines.length) appendFileSync(this.path, this.lines.join('\n') + '\n');
    this.lines = [];
  }
}
