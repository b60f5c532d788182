// bench:optimizers end to end on a tiny model: the real rwp-train and rwp-launch, real files.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { readPngChart, readSvgChart } from '@rwp/test-support';
import type { MethodResult } from './optimizers-results.js';
import { pytorchUnavailable } from './optimizers-pytorch.js';

const BENCH = fileURLToPath(new URL('./optimizers.js', import.meta.url));
const TINY = ['--model', 'mlp', '--dataset', 'synthetic', '--batch', '8', '--limit-train', '64', '--steps', '4', '--warmup', '1'];

const FIELDS = [
  'method', 'impl', 'label', 'nproc', 'step_ms_median', 'step_ms_p10', 'step_ms_p90', 'ratio_to_sgd', 'comm_ms_median', 'comm_share', 'images_per_s',
  'compute_ms_median', 'data_ms_median', 'transfer_ms_median', 'wait_ms_median', 'wait_share', 'other_ms_median', 'compute_ms_median_by_rank',
  'step_ms_mean', 'ratio_to_sam', 'ratio_to_sgd_by_repeat', 'step_ms_median_by_repeat', 'steps', 'repeats', 'batch_per_rank', 'images_per_step',
  'cores_used', 'other_cores', 'other_cores_by_repeat',
];

test('--json: one object per method with every field; ratios, files, charts and report', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'bench-optimizers-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const out = join(root, 'out');
  const r = spawnSync(process.execPath, [BENCH, ...TINY, '--repeats', '2', '--json', '--out', out, '--runs-dir', join(root, 'runs')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as MethodResult);
  assert.deepEqual(rows.map((x) => [x.method, x.nproc, x.label]), [['sgd', 1, 'sgd'], ['sam', 1, 'sam'], ['rwp', 1, 'rwp, sequential'], ['rwp', 2, 'rwp, 2 ranks']]);
  for (const row of rows) {
    for (const f of FIELDS) assert.ok(f in row && (row as unknown as Record<string, unknown>)[f] !== null, `${row.label}: field ${f}`);
    assert.equal(row.steps, 2 * 4, `${row.label}: 4 timed steps in each of 2 repeats`);
    assert.equal(row.repeats, 2);
    assert.ok(row.step_ms_p10 <= row.step_ms_median && row.step_ms_median <= row.step_ms_p90);
    const sgd = rows[0];
    const ratios = row.step_ms_median_by_repeat.map((m, k) => m / sgd.step_ms_median_by_repeat[k]);
    assert.deepEqual(row.ratio_to_sgd_by_repeat, ratios);
    assert.ok(Math.abs(row.ratio_to_sgd - (ratios[0] + ratios[1]) / 2) < 1e-9, 'median of two pair ratios');
    assert.ok(Math.abs(row.images_per_s - row.images_per_step / (row.step_ms_median / 1000)) < 1e-6);
  }
  assert.equal(rows[0].ratio_to_sgd, 1);
  assert.equal(rows[3].compute_ms_median_by_rank.length, 2);
  assert.ok(rows[3].comm_ms_median > 0, 'two ranks communicate');

  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  assert.deepEqual(
    results.runs.map((x: { name: string }) => x.name),
    ['sgd-r1', 'sam-r1', 'rwp-seq-r1', 'rwp-par-r1', 'rwp-par-r2', 'rwp-seq-r2', 'sam-r2', 'sgd-r2'],
    'the second repeat runs the methods in reverse order',
  );
  assert.equal(results.methods.length, 4);
  assert.deepEqual(readdirSync(join(out, 'runs', 'rwp-par-r1', 'steps')).sort(), ['rank-0.jsonl', 'rank-1.jsonl']);

  const svg = readSvgChart(join(out, 'step-times.svg'));
  for (const label of ['sgd', 'sam', 'rwp, sequential', 'rwp, 2 ranks']) assert.ok(svg.texts.includes(label), label);
  assert.ok(readPngChart(join(out, 'step-times.png')).inked > 0);
  assert.ok(readSvgChart(join(out, 'step-breakdown.svg')).texts.includes('wait'));
  assert.ok(readPngChart(join(out, 'step-breakdown.png')).inked > 0);
  const md = readFileSync(join(out, 'report.md'), 'utf8');
  assert.match(md, /\| rwp, 2 ranks \| 2 \|/);
  assert.match(md, /!\[time per optimizer step\]\(step-times\.png\)/);
  assert.match(md, /## Where the time goes/);
  assert.match(md, /## Per repeat/);
  assert.match(md, /\| 2 \| [0-9.]+ \(1\.00x\) \|/, 'a row for the second repeat');
});

test('the table names every method; a run that fails stops the benchmark naming the run', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'bench-optimizers-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const ok = spawnSync(process.execPath, [BENCH, ...TINY, '--out', join(root, 'out'), '--runs-dir', join(root, 'runs')], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^method +ranks +median ms +p10 ms +p90 ms +x SGD/);
  for (const label of ['sgd', 'sam', 'rwp, sequential', 'rwp, 2 ranks']) assert.match(ok.stdout, new RegExp(`^${label} `, 'm'));

  const bad = spawnSync(process.execPath, [BENCH, ...TINY, '--set', 'optim.lr=-1', '--out', join(root, 'bad'), '--runs-dir', join(root, 'bad-runs')], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /bench:optimizers: error: run sgd-r1 failed \(exit 1\)/);
  assert.match(bad.stderr, /optim\.lr/, 'the trainer says which key is wrong');
  assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
  assert.ok(!existsSync(join(root, 'bad', 'results.json')));
});

test('--pytorch: the reference runs beside rwp, interleaved, its rows marked impl pytorch and compared side by side', (t) => {
  const why = pytorchUnavailable({ model: 'cnn', dataset: 'fashion-mnist', python: '/usr/bin/python3' });
  if (why) {
    t.skip(`no PyTorch reference here: ${why}`);
    return;
  }
  const root = mkdtempSync(join(tmpdir(), 'bench-optimizers-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const out = join(root, 'out');
  const args = ['--model', 'cnn', '--dataset', 'fashion-mnist', '--batch', '8', '--limit-train', '64', '--steps', '3', '--warmup', '1', '--pytorch', '--json'];
  const r = spawnSync(process.execPath, [BENCH, ...args, '--out', out, '--runs-dir', join(root, 'runs')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as MethodResult);
  assert.deepEqual(rows.map((x) => [x.method, x.impl, x.nproc]), [
    ['sgd', 'rwp', 1], ['sgd', 'pytorch', 1], ['sam', 'rwp', 1], ['sam', 'pytorch', 1], ['rwp', 'rwp', 1], ['rwp', 'rwp', 2], ['rwp', 'pytorch', 2],
  ]);
  for (const row of rows) assert.equal(row.steps, 3, `${row.label}: the warm-up step left out`);
  assert.equal(rows[1].ratio_to_sgd, 1, "PyTorch's SGD is its own baseline");
  assert.equal(rows[6].compute_ms_median_by_rank.length, 2);
  assert.ok(rows[6].comm_ms_median > 0, 'the two gloo processes allreduce');
  const md = readFileSync(join(out, 'report.md'), 'utf8');
  assert.match(md, /## rwp beside PyTorch/);
  assert.match(md, /\| rwp, 2 ranks \| 2 \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \|/);
  assert.deepEqual(readdirSync(join(out, 'runs', 'pt-rwp-par-r1', 'steps')).sort(), ['rank-0.jsonl', 'rank-1.jsonl']);
});
