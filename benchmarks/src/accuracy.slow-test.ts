// bench:accuracy end to end on a tiny model, then rwp-plot on the runs it kept.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { readPngChart, readSvgChart } from '@rwp/test-support';

const BENCH = fileURLToPath(new URL('./accuracy.js', import.meta.url));
const PLOT = fileURLToPath(new URL('../../packages/report/dist/cli.js', import.meta.url));

test("same step budget for every method and RWP's controls; mean and std over seeds; gains; curves, charts and report", (t) => {
  const root = mkdtempSync(join(tmpdir(), 'bench-accuracy-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const out = join(root, 'out');
  const args = ['--dataset', 'synthetic', '--model', 'mlp', '--epochs', '2', '--seeds', '2', '--batch', '8', '--limit-train', '64', '--limit-test', '32'];
  const r = spawnSync(process.execPath, [BENCH, ...args, '--json', '--out', out, '--runs-dir', join(root, 'runs')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(rows.map((x) => [x.key, x.method, x.nproc]), [['sgd', 'sgd', 1], ['sgd-2b', 'sgd', 1], ['sam', 'sam', 1], ['rwp-par', 'rwp', 2], ['rwp-g0', 'rwp', 2], ['arwp-par', 'arwp', 2]]);
  for (const row of rows) {
    for (const f of ['test_acc_mean', 'test_acc_std', 'test_acc_by_seed', 'best_test_acc_mean', 'wall_seconds_total', 'wall_seconds_mean', 'train_seconds_mean', 'steps', 'seeds']) {
      assert.ok(f in row && row[f] !== null, `${row.label}: ${f}`);
    }
    assert.deepEqual(row.seeds, [0, 1]);
    assert.equal(row.steps, 2 * (64 / 8), `${row.label}: the same optimizer steps as SGD`);
    const [a, b] = row.test_acc_by_seed;
    assert.ok(Math.abs(row.test_acc_mean - (a + b) / 2) < 1e-12);
    assert.ok(Math.abs(row.test_acc_std - Math.abs(a - b) / Math.SQRT2) < 1e-12);
  }
  const rwpMetrics = readFileSync(join(out, 'runs', 'rwp-par-seed1', 'metrics.jsonl'), 'utf8').trim().split('\n');
  assert.equal(rwpMetrics.length, 4, 'parallel RWP on 2 ranks: two data passes per epoch, each with its line');
  assert.ok(existsSync(join(out, 'runs', 'sgd-seed0', 'summary.json')));
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  assert.equal(results.runs.length, 12);
  const byKey = Object.fromEntries(rows.map((x) => [x.key, x]));
  assert.deepEqual(byKey['rwp-g0'].test_acc_by_seed, byKey['sgd-2b'].test_acc_by_seed, 'RWP with gamma 0 is SGD on the union of its mini-batches (an mlp has no BatchNorm)');
  assert.equal(results.gains.length, 7);
  for (const g of results.gains) {
    assert.deepEqual(g.seeds, [0, 1]);
    assert.ok(Math.abs(g.gain_mean - (g.gain_by_seed[0] + g.gain_by_seed[1]) / 2) < 1e-12);
  }

  for (const name of ['accuracy-by-epoch', 'accuracy-by-time', 'loss-by-epoch']) {
    const svg = readSvgChart(join(out, `${name}.svg`));
    for (const label of ['sgd', 'sgd, batch 16', 'sam', 'rwp, 2 ranks', 'rwp gamma 0, 2 ranks', 'arwp, 2 ranks']) assert.ok(svg.texts.includes(label), `${name}: ${label}`);
    assert.ok(readPngChart(join(out, `${name}.png`)).inked > 0);
  }
  const md = readFileSync(join(out, 'report.md'), 'utf8');
  assert.match(md, /\| rwp, 2 ranks \| 2 \| 2 \| 16 \| [0-9.]+ ± [0-9.]+ \|/);
  assert.match(md, /\| arwp, 2 ranks \| rwp gamma 0, 2 ranks \| [-+][0-9.]+ ± [0-9.]+ \|/);
  assert.match(md, /!\[accuracy-by-time\]\(accuracy-by-time\.png\)/);

  const plots = join(root, 'plots');
  const p = spawnSync(process.execPath, [PLOT, join(out, 'runs', 'sgd-seed0'), join(out, 'runs', 'rwp-par-seed0'), '--out', plots], { encoding: 'utf8' });
  assert.equal(p.status, 0, p.stderr);
  const texts = readSvgChart(join(plots, 'accuracy-by-epoch.svg')).texts;
  assert.ok(texts.includes('sgd-seed0') && texts.includes('rwp-par-seed0'));
});
