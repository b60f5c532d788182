import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupSteps, pairedRatio, stepStats, type StepRecord } from './step-breakdown.js';

const rec = (step: number, step_ms: number, compute_ms: number, comm_ms: number, data_ms = 0): StepRecord => ({ step, epoch: 1, step_ms, compute_ms, comm_ms, data_ms });
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} != ${b}`);

test('transfer is the comm of the rank that arrived last; wait is what the others spent beyond it', () => {
  // Rank 0 (clean) computes 40 ms and waits; rank 1 (perturbed) computes 50 ms and arrives last.
  const rank0 = [rec(1, 60, 40, 16, 2)];
  const rank1 = [rec(1, 58, 50, 6, 1)];
  const [s] = groupSteps([rank0, rank1], 0);
  close(s.step_ms, 59);
  close(s.compute_ms, 45);
  close(s.comm_ms, 11);
  close(s.transfer_ms, 6);
  close(s.wait_ms, 5);
  close(s.data_ms, 1.5);
  close(s.other_ms, 59 - 1.5 - 45 - 11);
  close(s.data_ms + s.compute_ms + s.transfer_ms + s.wait_ms + s.other_ms, s.step_ms);
  assert.deepEqual(s.compute_ms_by_rank, [40, 50]);
});

test('one rank: transfer is its own comm and nothing is waited for', () => {
  const [s] = groupSteps([[rec(3, 20, 19, 0.5)]], 0);
  assert.equal(s.transfer_ms, 0.5);
  assert.equal(s.wait_ms, 0);
});

test('warm-up steps and steps a rank lacks are left out', () => {
  const r0 = [1, 2, 3, 4, 5].map((i) => rec(i, 10, 9, 1));
  const r1 = [1, 2, 3, 5].map((i) => rec(i, 10, 9, 1));
  assert.deepEqual(groupSteps([r0, r1], 2).map((s) => s.step), [3, 5]);
  assert.deepEqual(groupSteps([], 0), []);
});

test('step statistics: percentiles of the step time, shares of communication and waiting', () => {
  const ranks = [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((i) => rec(i, 10 * i, 8 * i, 2 * i))];
  const st = stepStats(groupSteps(ranks, 0));
  assert.equal(st.steps, 10);
  assert.equal(st.step_ms_median, 55);
  close(st.step_ms_p10, 19);
  close(st.step_ms_p90, 91);
  assert.equal(st.step_ms_mean, 55);
  assert.equal(st.compute_ms_median, 44);
  close(st.comm_share, 0.2);
  assert.equal(st.wait_share, 0);
  assert.deepEqual(st.compute_ms_median_by_rank, [44]);
});

test('paired ratio: the median of the pair-by-pair ratios, robust to drift between repeats', () => {
  // The host slows down by half in repeat 2; each pair still says 1.1.
  close(pairedRatio([55, 82.5, 57.2], [50, 75, 52]), 1.1);
  close(pairedRatio([2, 3, 10], [1, 1, 1]), 3);
  assert.throws(() => pairedRatio([1, 2], [1]), /as many baseline/);
  assert.throws(() => pairedRatio([], []), /as many baseline/);
});
