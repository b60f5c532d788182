// The per-method results of both benchmarks on fixed inputs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunRecord, RunSummary } from '@rwp/report';
import { accuracySpecs, gainPairs, methodSpecs } from './bench-methods.js';
import { accuracyGains, accuracyResults } from './accuracy-results.js';
import { methodResults, repeatOrder, type TimedRun } from './optimizers-results.js';
import type { StepRecord } from './step-breakdown.js';

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} != ${b}`);

function steps(n: number, ms: number, comm = 0): StepRecord[] {
  return Array.from({ length: n }, (_, i) => ({ step: i + 1, epoch: 1, step_ms: ms, compute_ms: ms - comm, comm_ms: comm, data_ms: 0 }));
}

test('methods, labels and the alternating order of repeats', () => {
  const specs = methodSpecs(2);
  assert.deepEqual(specs.map((s) => s.label), ['sgd', 'sam', 'rwp, sequential', 'rwp, 2 ranks']);
  assert.deepEqual(specs.map((s) => s.batchesPerStep), [1, 1, 2, 2]);
  assert.deepEqual(repeatOrder(['a', 'b', 'c'], 0), ['a', 'b', 'c']);
  assert.deepEqual(repeatOrder(['a', 'b', 'c'], 1), ['c', 'b', 'a']);
  assert.equal(methodSpecs(4)[3].label, 'rwp, 4 ranks');
});

test('step-time results: ratios to SGD and SAM per repeat, images per second, the warm-up left out', () => {
  const specs = methodSpecs(2);
  const [sgd, sam, seq, par] = specs;
  const runs: TimedRun[] = [];
  // Repeat 2 runs on a host 1.5x slower; the warm-up steps are 10x slower and must not count.
  for (const [k, f] of [[0, 1], [1, 1.5]] as const) {
    const warm = (records: StepRecord[]) => records.map((r) => (r.step <= 2 ? { ...r, step_ms: r.step_ms * 10 } : r));
    const cpu = { cpu_seconds: 10, cores_used: 0.9, other_cores: k === 0 ? 0.5 : 1.5, steal_cores: 0 };
    runs.push({ spec: sgd, repeat: k, ranks: [warm(steps(12, 50 * f))], cpu });
    runs.push({ spec: sam, repeat: k, ranks: [warm(steps(12, 100 * f))], cpu });
    runs.push({ spec: seq, repeat: k, ranks: [warm(steps(12, 98 * f))], cpu });
    runs.push({ spec: par, repeat: k, ranks: [warm(steps(12, 55 * f, 5)), warm(steps(12, 55 * f, 3))], cpu: k === 0 ? cpu : null });
  }
  const results = methodResults(specs, runs, 2, 128);
  const byLabel = Object.fromEntries(results.map((r) => [r.label, r]));
  close(byLabel['sgd'].ratio_to_sgd, 1);
  close(byLabel['sam'].ratio_to_sgd, 2);
  close(byLabel['rwp, 2 ranks'].ratio_to_sgd, 1.1);
  close(byLabel['rwp, 2 ranks'].ratio_to_sam, 0.55);
  assert.deepEqual(byLabel['rwp, 2 ranks'].ratio_to_sgd_by_repeat.map((x) => +x.toFixed(9)), [1.1, 1.1]);
  assert.deepEqual(byLabel['sgd'].step_ms_median_by_repeat, [50, 75]);
  assert.equal(byLabel['sgd'].steps, 20, '10 timed steps per repeat');
  assert.equal(byLabel['sgd'].step_ms_p90, 75, 'no warm-up step in the percentiles');
  const par2 = byLabel['rwp, 2 ranks'];
  assert.equal(par2.nproc, 2);
  assert.equal(par2.images_per_step, 256);
  close(par2.images_per_s, 256 / (par2.step_ms_median / 1000));
  close(par2.transfer_ms_median, 3);
  close(par2.wait_ms_median, 1);
  close(par2.comm_ms_median, 4);
  assert.equal(byLabel['rwp, sequential'].images_per_step, 256);
  assert.equal(byLabel['sam'].images_per_step, 128);
  assert.equal(byLabel['sgd'].other_cores, 1, 'the mean over repeats');
  assert.equal(byLabel['sgd'].cores_used, 0.9);
  assert.equal(byLabel['rwp, 2 ranks'].other_cores, null, 'unknown when a repeat could not measure it');
  assert.deepEqual(byLabel['sgd'].other_cores_by_repeat, [0.5, 1.5]);
  assert.deepEqual(byLabel['rwp, 2 ranks'].other_cores_by_repeat, [0.5, null]);
});

function accuracyRun(dir: string, testAcc: number, wall: number, steps: number): RunRecord {
  const summary = { test_acc: testAcc, best_test_acc: testAcc + 0.01, wall_seconds: wall, steps, method: { name: 'sgd' }, world_size: 1 } as unknown as RunSummary;
  const metrics = [1, 2].map((epoch) => ({ epoch, step: epoch * 10, lr: 0, train_loss: 1, train_acc: 0, test_loss: 1, test_acc: testAcc, epoch_seconds: wall / 4, step_ms: 0, comm_ms: 0, data_ms: 0, images_per_s: 0 }));
  return { dir, summary, metrics };
}

test('accuracy results: mean and sample std over seeds, total wall time, training seconds', () => {
  const [sgd, sam] = methodSpecs(2);
  const runs = [
    { spec: sgd, seed: 1, run: accuracyRun('b', 0.91, 20, 100), cpu: null },
    { spec: sgd, seed: 0, run: accuracyRun('a', 0.9, 10, 100), cpu: null },
    { spec: sgd, seed: 2, run: accuracyRun('c', 0.92, 30, 100), cpu: null },
    { spec: sam, seed: 0, run: accuracyRun('d', 0.8, 40, 100), cpu: null },
  ];
  const [a, b] = accuracyResults([sgd, sam], runs, 2);
  assert.deepEqual(a.seeds, [0, 1, 2]);
  assert.deepEqual(a.test_acc_by_seed, [0.9, 0.91, 0.92]);
  close(a.test_acc_mean, 0.91);
  close(a.test_acc_std, 0.01);
  close(a.best_test_acc_mean, 0.92);
  assert.equal(a.wall_seconds_total, 60);
  assert.equal(a.wall_seconds_mean, 20);
  assert.equal(a.train_seconds_mean, 10);
  assert.equal(a.steps, 100);
  assert.ok(Number.isNaN(b.test_acc_std), 'one seed has no spread');
});

test("accuracy methods: RWP's controls take its steps, and the gains are paired by seed", () => {
  const specs = accuracySpecs(2, 128, 3);
  assert.deepEqual(specs.map((s) => [s.key, s.method, s.nproc, s.label]), [
    ['sgd', 'sgd', 1, 'sgd'],
    ['sgd-2b', 'sgd', 1, 'sgd, batch 256'],
    ['sam', 'sam', 1, 'sam'],
    ['rwp-par', 'rwp', 2, 'rwp, 2 ranks'],
    ['rwp-g0', 'rwp', 2, 'rwp gamma 0, 2 ranks'],
    ['arwp-par', 'arwp', 2, 'arwp, 2 ranks'],
  ]);
  // batch 256 over 6 epochs of 60000 / 256 = 234 steps: 1404, RWP's 3 x 468
  assert.deepEqual(specs[1].sets, ['data.batch_size=256', 'train.epochs=6']);
  assert.deepEqual(specs[4].sets, ['method.gamma=0']);
  assert.deepEqual(accuracySpecs(4, 64, 2)[1].sets, ['data.batch_size=256', 'train.epochs=4']);
  assert.throws(() => accuracySpecs(3, 64, 1), /whole epochs/);
  const pairs = gainPairs(specs).map(([m, c]) => `${m.key}/${c.key}`);
  assert.deepEqual(pairs, ['rwp-par/sgd', 'rwp-par/sgd-2b', 'rwp-par/rwp-g0', 'arwp-par/sgd', 'arwp-par/sgd-2b', 'arwp-par/rwp-g0', 'arwp-par/rwp-par']);

  const [sgd, , , rwp] = specs;
  const runs = [
    { spec: sgd, seed: 0, run: accuracyRun('a', 0.9, 10, 100), cpu: null },
    { spec: sgd, seed: 1, run: accuracyRun('b', 0.91, 10, 100), cpu: null },
    { spec: rwp, seed: 0, run: accuracyRun('c', 0.905, 10, 100), cpu: null },
    { spec: rwp, seed: 1, run: accuracyRun('d', 0.92, 10, 100), cpu: null },
    { spec: rwp, seed: 2, run: accuracyRun('e', 0.99, 10, 100), cpu: null },
  ];
  const [g] = accuracyGains([[rwp, sgd]], runs);
  assert.deepEqual(g.seeds, [0, 1], 'only seeds both ran');
  assert.equal(g.method, 'rwp, 2 ranks');
  assert.equal(g.over, 'sgd');
  close(g.gain_by_seed[0], 0.005);
  close(g.gain_by_seed[1], 0.01);
  close(g.gain_mean, 0.0075);
  close(g.gain_std, 0.005 / Math.SQRT2);
  assert.equal(g.ahead, 2);
});
