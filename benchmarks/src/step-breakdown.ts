// Where the time of an optimizer step goes, from the per-rank step files the trainer writes
// with train.step_times (RUN_DIR/steps/rank-<R>.jsonl). Pure functions of those records.
//
// A rank's step is   step_ms = data_ms + compute_ms + comm_ms + other
// (data_ms: waiting for the prefetched batch; compute_ms: forward/backward passes, noise, SGD
// update; comm_ms: the allreduce and BatchNorm broadcast; other: bookkeeping between them).
//
// comm_ms mixes two things. The allreduce ends on all ranks at about the same moment, so a rank
// that arrives early waits in it for the slowest one. The rank that arrives last waits for no one:
// its comm_ms is the transfer itself. So, per step:
//   transfer_ms = min over ranks of comm_ms           (the cost of moving the gradients)
//   wait_ms     = mean over ranks of comm_ms - transfer_ms
//                 (time ranks sit idle because another rank was slower: load imbalance, e.g.
//                  the perturbed rank drawing noise, or a rank descheduled on a busy host)
// The other parts are means over ranks, so for every step
//   step_ms = data_ms + compute_ms + transfer_ms + wait_ms + other_ms   (exactly).
// On one rank transfer is its comm_ms (an allreduce with itself, ~0) and wait is 0.
import { median, percentile, sum } from '@rwp/report';
import type { StepTime } from '@rwp/trainer';

/** One line of RUN_DIR/steps/rank-<R>.jsonl, as the trainer writes it. */
export type StepRecord = StepTime;

/** One optimizer step of the whole group. */
export interface GroupStep {
  step: number;
  step_ms: number;
  data_ms: number;
  compute_ms: number;
  comm_ms: number;
  transfer_ms: number;
  wait_ms: number;
  other_ms: number;
  /** compute_ms of each rank, in rank order. */
  compute_ms_by_rank: number[];
}

const meanOf = (xs: number[]) => sum(xs) / xs.length;

/** Joins the ranks' records by step, leaving out steps <= warmup and steps some rank lacks. */
export function groupSteps(ranks: StepRecord[][], warmup: number): GroupStep[] {
  if (ranks.length === 0) return [];
  const byStep = ranks.map((records) => new Map(records.map((r) => [r.step, r])));
  const steps = [...byStep[0].keys()].filter((s) => s > warmup && byStep.every((m) => m.has(s))).sort((a, b) => a - b);
  return steps.map((step) => {
    const at = byStep.map((m) => m.get(step)!);
    const stepMs = meanOf(at.map((r) => r.step_ms));
    const dataMs = meanOf(at.map((r) => r.data_ms));
    const computeMs = meanOf(at.map((r) => r.compute_ms));
    const commMs = meanOf(at.map((r) => r.comm_ms));
    const transferMs = Math.min(...at.map((r) => r.comm_ms));
    return {
      step,
      step_ms: stepMs,
      data_ms: dataMs,
      compute_ms: computeMs,
      comm_ms: commMs,
      transfer_ms: transferMs,
      wait_ms: commMs - transferMs,
      other_ms: stepMs - dataMs - computeMs - commMs,
      compute_ms_by_rank: at.map((r) => r.compute_ms),
    };
  });
}

export interface StepStats {
  steps: number;
  step_ms_median: number;
  step_ms_p10: number;
  step_ms_p90: number;
  step_ms_mean: number;
  data_ms_median: number;
  compute_ms_median: number;
  comm_ms_median: number;
  transfer_ms_median: number;
  wait_ms_median: number;
  other_ms_median: number;
  /** Share of all step time spent in communication (transfer and wait): sum comm / sum step. */
  comm_share: number;
  /** Share of all step time spent waiting for a slower rank: sum wait / sum step. */
  wait_share: number;
  compute_ms_median_by_rank: number[];
}

export function stepStats(steps: GroupStep[]): StepStats {
  const col = (k: keyof Omit<GroupStep, 'compute_ms_by_rank'>) => steps.map((s) => s[k]);
  const total = sum(col('step_ms'));
  const nranks = steps[0]?.compute_ms_by_rank.length ?? 0;
  return {
    steps: steps.length,
    step_ms_median: median(col('step_ms')),
    step_ms_p10: percentile(col('step_ms'), 10),
    step_ms_p90: percentile(col('step_ms'), 90),
    step_ms_mean: total / steps.length,
    data_ms_median: median(col('data_ms')),
    compute_ms_median: median(col('compute_ms')),
    comm_ms_median: median(col('comm_ms')),
    transfer_ms_median: median(col('transfer_ms')),
    wait_ms_median: median(col('wait_ms')),
    other_ms_median: median(col('other_ms')),
    comm_share: sum(col('comm_ms')) / total,
    wait_share: sum(col('wait_ms')) / total,
    compute_ms_median_by_rank: Array.from({ length: nranks }, (_, r) => median(steps.map((s) => s.compute_ms_by_rank[r]))),
  };
}

/**
 * A method's time over SGD's when both were measured K times in alternation: the median of the
 * K pair-by-pair ratios, so that a host whose speed drifts between repeats shifts both sides of
 * each pair alike.
 */
export function pairedRatio(method: readonly number[], baseline: readonly number[]): number {
  if (method.length !== baseline.length || method.length === 0) {
    throw new RangeError(`paired ratio needs as many baseline as method values (got ${method.length} and ${baseline.length})`);
  }
  return median(method.map((m, i) => m / baseline[i]));
}
