// Turns run records into the long-form points the curve charts draw: one point per data pass,
// placed by SGD-equivalent epoch and by cumulative training seconds.
import { passesPerEpoch, type RunRecord } from './run-files.js';
import { mean } from './stats.js';

export interface CurvePoint {
  /** The line this point belongs to (a run, or a method when seeds are averaged). */
  series: string;
  /** SGD-equivalent epochs: optimizer steps divided by the steps of one SGD epoch. */
  epoch: number;
  /** Training seconds since the start of the run, evaluation and start-up excluded. */
  seconds: number;
  step: number;
  test_acc: number | null;
  test_loss: number | null;
  train_loss: number;
  /** Band around test_acc (min and max over seeds) when points are averaged. */
  test_acc_lo?: number;
  test_acc_hi?: number;
  /** Runs averaged into this point. */
  runs?: number;
}

/**
 * The points of one run. The epoch of a pass is its end step over the steps of an SGD epoch,
 * which a full pass tells (its step count times the passes per epoch); a partial pass lands
 * where its steps put it. `sgdEpochSteps` says it instead where the run's own batch is not the
 * SGD epoch's (a benchmark's SGD at a larger batch).
 */
export function runCurve(run: RunRecord, series: string, sgdEpochSteps?: number): CurvePoint[] {
  const perEpoch = passesPerEpoch(run.summary);
  const full = run.metrics.find((m) => !m.partial);
  const stepsPerPass = full ? full.step / full.epoch : null;
  let seconds = 0;
  return run.metrics.map((m) => {
    seconds += m.epoch_seconds;
    const passes = stepsPerPass ? m.step / stepsPerPass : m.epoch;
    return {
      series,
      epoch: sgdEpochSteps ? m.step / sgdEpochSteps : passes / perEpoch,
      seconds,
      step: m.step,
      test_acc: m.test_acc ?? null,
      test_loss: m.test_loss ?? null,
      train_loss: m.train_loss,
    };
  });
}

/**
 * One line per series: the mean over its runs at each pass index (seeds of one method see the
 * same passes), with the min-max band of test accuracy. Passes that not every run reached are
 * dropped, so a mean never mixes different numbers of runs.
 */
export function meanCurves(curves: CurvePoint[][]): CurvePoint[] {
  const bySeries = new Map<string, CurvePoint[][]>();
  for (const c of curves) {
    if (c.length === 0) continue;
    const list = bySeries.get(c[0].series) ?? [];
    list.push(c);
    bySeries.set(c[0].series, list);
  }
  const out: CurvePoint[] = [];
  for (const [series, runs] of bySeries) {
    const length = Math.min(...runs.map((r) => r.length));
    for (let i = 0; i < length; i++) {
      const at = runs.map((r) => r[i]);
      const accs = at.map((p) => p.test_acc).filter((a): a is number => a !== null);
      const losses = at.map((p) => p.test_loss).filter((a): a is number => a !== null);
      out.push({
        series,
        epoch: mean(at.map((p) => p.epoch)),
        seconds: mean(at.map((p) => p.seconds)),
        step: at[0].step,
        test_acc: accs.length === at.length ? mean(accs) : null,
        test_loss: losses.length === at.length ? mean(losses) : null,
        train_loss: mean(at.map((p) => p.train_loss)),
        ...(accs.length === at.length ? { test_acc_lo: Math.min(...accs), test_acc_hi: Math.max(...accs) } : {}),
        runs: at.length,
      });
    }
  }
  return out;
}
