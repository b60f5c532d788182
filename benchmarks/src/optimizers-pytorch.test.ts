// --pytorch: the option, the interleaved methods, the reference's command line and its results
// beside rwp's, on fixed inputs (the reference itself runs in optimizers.slow-test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { methodSpecs } from './bench-methods.js';
import { parseOptimizersOptions } from './optimizers-options.js';
import { pytorchArgv, pytorchUnavailable } from './optimizers-pytorch.js';
import { sideBySideRows, textTable } from './optimizers-report.js';
import { methodResults, repeatOrder, type TimedRun } from './optimizers-results.js';
import type { StepRecord } from './step-breakdown.js';

const steps = (n: number, ms: number): StepRecord[] => Array.from({ length: n }, (_, i) => ({ step: i + 1, epoch: 1, step_ms: ms, compute_ms: ms, comm_ms: 0, data_ms: 0 }));

test('--pytorch and --python parse; off by default', () => {
  const plain = parseOptimizersOptions(['node', 'bench']);
  assert.equal(plain.pytorch, false);
  assert.equal(plain.python, '/usr/bin/python3');
  const o = parseOptimizersOptions(['node', 'bench', '--pytorch', '--python', '/opt/py']);
  assert.equal(o.pytorch, true);
  assert.equal(o.python, '/opt/py');
});

test("the reference's runs sit beside rwp's, in alternating order", () => {
  const specs = methodSpecs(2, true);
  assert.deepEqual(specs.map((s) => `${s.key}:${s.impl}`), ['sgd:rwp', 'pt-sgd:pytorch', 'sam:rwp', 'pt-sam:pytorch', 'rwp-seq:rwp', 'rwp-par:rwp', 'pt-rwp-par:pytorch']);
  assert.deepEqual(specs.map((s) => s.label).slice(5), ['rwp, 2 ranks', 'rwp, 2 ranks, pytorch']);
  assert.deepEqual(repeatOrder(specs, 1)[0].key, 'pt-rwp-par');
  assert.deepEqual(methodSpecs(2).map((s) => s.impl), ['rwp', 'rwp', 'rwp', 'rwp']);
});

test("the reference's command line: same model, batch, warm-up plus steps, seed and image limit", () => {
  const o = parseOptimizersOptions(['node', 'bench', '--pytorch', '--steps', '5', '--warmup', '2', '--batch', '16', '--limit-train', '64', '--seed', '3']);
  const par = methodSpecs(2, true)[6];
  const argv = pytorchArgv(par, o, '/tmp/run');
  assert.equal(argv[0], '/usr/bin/python3');
  assert.match(argv[1], /benchmarks\/optimizers_pytorch\.py$/);
  const flag = (name: string) => argv[argv.indexOf(name) + 1];
  assert.deepEqual(['--method', '--nproc', '--model', '--batch', '--steps', '--seed', '--out', '--limit-train'].map(flag), ['rwp', '2', 'cnn', '16', '7', '3', '/tmp/run', '64']);
});

test('the reference says why it cannot run', () => {
  const base = { model: 'cnn', dataset: 'fashion-mnist', python: '/usr/bin/python3' };
  assert.match(pytorchUnavailable({ ...base, dataset: 'cifar10' }) ?? '', /--dataset fashion-mnist only \(got cifar10\)/);
  assert.match(pytorchUnavailable({ ...base, model: 'resnet18' }) ?? '', /mlp, cnn \(got resnet18\)/);
  assert.match(pytorchUnavailable({ ...base, python: '/no/such/python' }) ?? '', /\/no\/such\/python cannot import torch \(apt-get install/);
});

test("each implementation's ratios are to its own SGD and SAM; the side-by-side table pairs the methods", () => {
  const specs = methodSpecs(2, true);
  const ms: Record<string, number> = { sgd: 100, 'pt-sgd': 150, sam: 200, 'pt-sam': 300, 'rwp-seq': 210, 'rwp-par': 105, 'pt-rwp-par': 180 };
  const runs: TimedRun[] = specs.map((spec) => ({ spec, repeat: 0, ranks: Array.from({ length: spec.nproc }, () => steps(4, ms[spec.key])), cpu: null }));
  const results = methodResults(specs, runs, 1, 128);
  const by = Object.fromEntries(results.map((r) => [`${r.method}/${r.nproc}/${r.impl}`, r]));
  assert.equal(by['sgd/1/pytorch'].ratio_to_sgd, 1);
  assert.equal(by['sam/1/pytorch'].ratio_to_sgd, 2);
  assert.equal(by['rwp/2/pytorch'].ratio_to_sgd, 1.2);
  assert.equal(by['rwp/2/pytorch'].ratio_to_sam, 0.6);
  assert.equal(by['rwp/2/rwp'].ratio_to_sgd, 1.05);
  assert.deepEqual(sideBySideRows(results), [
    ['sgd', '1', '100.0', '1.00', '150.0', '1.00', '0.67'],
    ['sam', '1', '200.0', '2.00', '300.0', '2.00', '0.67'],
    ['rwp, 2 ranks', '2', '105.0', '1.05', '180.0', '1.20', '0.58'],
  ]);
  assert.match(textTable(results), /^method +ranks +rwp ms +rwp x SGD +pytorch ms +pytorch x SGD/m);
  assert.doesNotMatch(textTable(results.filter((r) => r.impl === 'rwp')), /pytorch ms/);
});
