// Rank 0's progress through the run: `progress` records in the JSON log at a modest rate, which
// rwp-launch draws as its bottom line on a terminal, and rwp-train's own bar when it runs alone on one.
import { readableLogs, type Logger } from './log.js';
import { durationText, type ProgressRecord } from '@rwp/process-group';
import { ProgressBar } from './progress-bar.js';
import { StepRate } from './step-rate.js';

export type { ProgressRecord };

export interface RunShape {
  total: number;
  epochs: number;
  /** The step this process starts from (after a resume, not 0). */
  firstStep: number;
  /** Images one optimizer step takes over every rank. */
  imagesPerStep: number;
}

/** Often enough for a live line, rarely enough that a long run's log stays small. */
const RECORD_EVERY_MS = 2000;

export class RunProgress {
  private readonly rate: StepRate;
  private readonly bar = new ProgressBar();
  private readonly records = !readableLogs();
  private lastRecordMs = -Infinity;

  constructor(private readonly log: Logger, private readonly run: RunShape) {
    this.rate = new StepRate(run.firstStep);
  }

  update(step: number, epoch: number, loss: number | null, lr: number): void {
    const now = performance.now();
    this.rate.mark(step, now);
    const perSecond = this.rate.perSecond();
    const p: ProgressRecord = {
      step,
      total: this.run.total,
      epoch,
      epochs: this.run.epochs,
      loss,
      lr,
      images_per_s: perSecond === null ? null : perSecond * this.run.imagesPerStep,
      eta_s: this.rate.secondsLeft(this.run.total),
    };
    this.bar.update(p);
    if (this.records && (now - this.lastRecordMs >= RECORD_EVERY_MS || step >= this.run.total)) {
      this.lastRecordMs = now;
      this.log.info({ progress: p }, progressMessage(p));
    }
  }

  end(): void {
    this.bar.end();
  }
}

export function progressMessage(p: ProgressRecord): string {
  const parts = [`step ${p.step}/${p.total} (epoch ${p.epoch}/${p.epochs})`];
  if (p.loss !== null) parts.push(`loss ${p.loss.toFixed(4)}`);
  parts.push(`lr ${p.lr.toPrecision(3)}`);
  if (p.images_per_s !== null) parts.push(`${Math.round(p.images_per_s)} img/s`);
  parts.push(p.eta_s === null ? 'estimating the time left' : `about ${durationText(p.eta_s)} left`);
  return parts.join(', ');
}
