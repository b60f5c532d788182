// Per-epoch lines in RUN_DIR/metrics.jsonl, the run's summary.json, and a progress bar.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

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
  /** Set when train.max_steps stopped the run in the middle of this pass. */
  partial?: boolean;
}

export function appendMetrics(runDir: string, m: EpochMetrics): void {
  appendFileSync(join(runDir, 'metrics.jsonl'), JSON.stringify(m) + '\n');
}

/** On resume: drop the lines of epochs after the checkpoint, so no epoch is reported twice. */
export function truncateMetrics(runDir: string, lastEpoch: number): void {
  const path = join(runDir, 'metrics.jsonl');
  if (!existsSync(path)) return;
  const kept = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .filter((l) => {
      try {
        return (JSON.parse(l) as EpochMetrics).epoch <= lastEpoch;
      } catch {
        return false;
      }
    });
  writeFileSync(path, kept.map((l) => l + '\n').join(''));
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
