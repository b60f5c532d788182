// From the runs of bench:accuracy to one result per method: final test accuracy over seeds and
// the time the runs took.
import { mean, std, sum, type RunRecord } from '@rwp/report';
import type { MethodSpec } from './bench-methods.js';
import type { CpuShare } from './host-cpu.js';

export interface AccuracyRun {
  spec: MethodSpec;
  seed: number;
  run: RunRecord;
  cpu: CpuShare | null;
}

export interface AccuracyResult {
  key: string;
  method: MethodSpec['method'];
  label: string;
  nproc: number;
  seeds: number[];
  epochs: number;
  /** Optimizer steps of each run (the same for every method by the trainer's accounting). */
  steps: number;
  test_acc_mean: number;
  /** Sample standard deviation over seeds (NaN, printed as null, for one seed). */
  test_acc_std: number;
  test_acc_by_seed: number[];
  best_test_acc_mean: number;
  /** The workers' wall time (summary.json: start-up, training, evaluations), summed over seeds. */
  wall_seconds_total: number;
  wall_seconds_mean: number;
  /** Training time alone (sum of epoch_seconds: evaluation excluded), mean over seeds. */
  train_seconds_mean: number;
}

export function accuracyResults(specs: MethodSpec[], runs: AccuracyRun[], epochs: number): AccuracyResult[] {
  return specs.map((spec) => {
    const mine = runs.filter((r) => r.spec.key === spec.key).sort((a, b) => a.seed - b.seed);
    const summaries = mine.map((r) => {
      if (!r.run.summary) throw new Error(`${r.run.dir}: no summary.json; the run did not finish`);
      return r.run.summary;
    });
    const accs = summaries.map((s) => s.test_acc ?? NaN);
    const walls = summaries.map((s) => s.wall_seconds);
    return {
      key: spec.key,
      method: spec.method,
      label: spec.label,
      nproc: spec.nproc,
      seeds: mine.map((r) => r.seed),
      epochs,
      steps: summaries[0]?.steps ?? 0,
      test_acc_mean: mean(accs),
      test_acc_std: std(accs),
      test_acc_by_seed: accs,
      best_test_acc_mean: mean(summaries.map((s) => s.best_test_acc ?? NaN)),
      wall_seconds_total: sum(walls),
      wall_seconds_mean: mean(walls),
      train_seconds_mean: mean(mine.map((r) => sum(r.run.metrics.map((m) => m.epoch_seconds)))),
    };
  });
}

/** A method's final test accuracy minus a control's, seed by seed (same seed: same initial weights). */
export interface AccuracyGain {
  method: string;
  over: string;
  seeds: number[];
  /** In accuracy (0.0058 is +0.58 points). */
  gain_by_seed: number[];
  gain_mean: number;
  /** Sample standard deviation of the per-seed gains (NaN for one seed). */
  gain_std: number;
  /** Seeds on which the method came out ahead. */
  ahead: number;
}

export function accuracyGains(pairs: Array<[MethodSpec, MethodSpec]>, runs: AccuracyRun[]): AccuracyGain[] {
  const acc = (key: string, seed: number) => runs.find((r) => r.spec.key === key && r.seed === seed)?.run.summary?.test_acc ?? null;
  return pairs.map(([m, c]) => {
    const seeds = [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b).filter((s) => acc(m.key, s) !== null && acc(c.key, s) !== null);
    const gains = seeds.map((s) => acc(m.key, s)! - acc(c.key, s)!);
    return { method: m.label, over: c.label, seeds, gain_by_seed: gains, gain_mean: mean(gains), gain_std: std(gains), ahead: gains.filter((g) => g > 0).length };
  });
}
