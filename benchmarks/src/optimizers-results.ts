// From the timed runs of bench:optimizers to one result per method.
import { mean } from '@rwp/report';
import { sgdKeyOf, type Impl, type MethodSpec } from './bench-methods.js';
import type { CpuShare } from './host-cpu.js';
import { groupSteps, pairedRatio, stepStats, type GroupStep, type StepRecord, type StepStats } from './step-breakdown.js';

/** Method order of repeat k: forward on even repeats, backward on odd ones, so drift cancels. */
export function repeatOrder<T>(methods: readonly T[], k: number): T[] {
  return k % 2 === 0 ? [...methods] : [...methods].reverse();
}

export interface TimedRun {
  spec: MethodSpec;
  repeat: number;
  ranks: StepRecord[][];
  cpu: CpuShare | null;
}

/** What --json prints for each method. */
export interface MethodResult extends StepStats {
  method: MethodSpec['method'];
  /** rwp, or the PyTorch reference; its ratios are to its own SGD and SAM. */
  impl: Impl;
  label: string;
  nproc: number;
  batch_per_rank: number;
  images_per_step: number;
  repeats: number;
  /** Median over repeats of (this method's median step / the same impl's SGD median step in the same repeat). */
  ratio_to_sgd: number;
  ratio_to_sgd_by_repeat: number[];
  /** The same against SAM: the claim is that parallel RWP takes about half of SAM's time. */
  ratio_to_sam: number;
  step_ms_median_by_repeat: number[];
  /** Images per second at the median step: images_per_step / step_ms_median. */
  images_per_s: number;
  /** Cores' worth of CPU the run's processes got, mean over repeats (whole runs, start-up included). */
  cores_used: number | null;
  /** Cores' worth of CPU other processes on the host used during the runs, mean over repeats. */
  other_cores: number | null;
  other_cores_by_repeat: Array<number | null>;
}

export function methodResults(specs: MethodSpec[], runs: TimedRun[], warmup: number, batch: number): MethodResult[] {
  const grouped = new Map<string, GroupStep[][]>();
  for (const spec of specs) {
    grouped.set(
      spec.key,
      runs.filter((r) => r.spec.key === spec.key).sort((a, b) => a.repeat - b.repeat).map((r) => groupSteps(r.ranks, warmup)),
    );
  }
  const perRepeat = (key: string) => grouped.get(key)!.map((steps) => stepStats(steps).step_ms_median);
  const shares = (key: string) => runs.filter((r) => r.spec.key === key).sort((a, b) => a.repeat - b.repeat).map((r) => r.cpu);
  const cpuMean = (key: string, k: keyof CpuShare) => {
    const mine = shares(key);
    return mine.every((c) => c !== null) ? mean(mine.map((c) => c![k])) : null;
  };
  return specs.map((spec) => {
    const repeats = grouped.get(spec.key)!;
    const stats = stepStats(repeats.flat());
    const mine = perRepeat(spec.key);
    const sgdKey = sgdKeyOf(spec);
    const sgd = perRepeat(sgdKey);
    const sam = perRepeat(sgdKey.replace('sgd', 'sam'));
    const images = spec.batchesPerStep * batch;
    const stepMs = stats.step_ms_median;
    return {
      method: spec.method,
      impl: spec.impl,
      label: spec.label,
      nproc: spec.nproc,
      step_ms_median: stepMs,
      step_ms_p10: stats.step_ms_p10,
      step_ms_p90: stats.step_ms_p90,
      ratio_to_sgd: pairedRatio(mine, sgd),
      comm_ms_median: stats.comm_ms_median,
      comm_share: stats.comm_share,
      images_per_s: images / (stepMs / 1000),
      compute_ms_median: stats.compute_ms_median,
      data_ms_median: stats.data_ms_median,
      transfer_ms_median: stats.transfer_ms_median,
      wait_ms_median: stats.wait_ms_median,
      wait_share: stats.wait_share,
      other_ms_median: stats.other_ms_median,
      compute_ms_median_by_rank: stats.compute_ms_median_by_rank,
      step_ms_mean: stats.step_ms_mean,
      ratio_to_sam: pairedRatio(mine, sam),
      ratio_to_sgd_by_repeat: mine.map((m, i) => m / sgd[i]),
      step_ms_median_by_repeat: mine,
      steps: stats.steps,
      repeats: repeats.length,
      batch_per_rank: batch,
      images_per_step: images,
      cores_used: cpuMean(spec.key, 'cores_used'),
      other_cores: cpuMean(spec.key, 'other_cores'),
      other_cores_by_repeat: shares(spec.key).map((c) => c?.other_cores ?? null),
    };
  });
}
