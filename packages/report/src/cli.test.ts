// rwp-plot as a user runs it: a real process on real run directories.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { readPngChart, readSvgChart } from '@rwp/test-support';

const CLI = fileURLToPath(new URL('./cli.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'rwp-plot-'));
after(() => rmSync(root, { recursive: true, force: true }));

function plot(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function writeRun(name: string, method: string, worldSize: number, accs: number[]): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const lines = accs.map((acc, i) =>
    JSON.stringify({ epoch: i + 1, step: 10 * (i + 1), lr: 0.1, train_loss: 1 - acc, train_acc: acc, test_loss: 1.1 - acc, test_acc: acc, epoch_seconds: 3, step_ms: 300, comm_ms: 1, data_ms: 1, images_per_s: 400 }),
  );
  writeFileSync(join(dir, 'metrics.jsonl'), lines.join('\n') + '\n');
  writeFileSync(join(dir, 'summary.json'), JSON.stringify({ method: { name: method, perturbed_ranks: null }, world_size: worldSize, test_acc: accs.at(-1) }));
  return dir;
}

test('--help says what it draws', () => {
  const r = plot('--help');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage: rwp-plot/);
  assert.match(r.stdout, /--label/);
  assert.match(r.stdout, /SGD-equivalent/);
});

test('draws accuracy per epoch and per second and loss, labelled by method', () => {
  const a = writeRun('sgd-seed0', 'sgd', 1, [0.7, 0.8]);
  const b = writeRun('rwp-seed0', 'rwp', 2, [0.6, 0.75, 0.8, 0.85]);
  const out = join(root, 'plots');
  const r = plot(a, b, '--out', out, '--label', 'method', '--title', 'Fashion');
  assert.equal(r.code, 0, r.stderr);
  for (const name of ['accuracy-by-epoch', 'accuracy-by-time', 'loss-by-epoch']) {
    const svg = readSvgChart(join(out, `${name}.svg`));
    assert.ok(svg.texts.includes('sgd') && svg.texts.includes('rwp, 2 ranks'), `${name} names both methods: ${svg.texts.join('|')}`);
    assert.ok(svg.texts.some((t) => t.startsWith('Fashion')), `${name} has the title`);
    assert.ok(readPngChart(join(out, `${name}.png`)).inked > 0);
  }
  assert.match(r.stdout, /accuracy-by-epoch: .*\.svg .*\.png/);
});

test('labels lines by run directory name by default', () => {
  const a = writeRun('first-run', 'sgd', 1, [0.5]);
  const out = join(root, 'by-dir');
  assert.equal(plot(a, '--out', out).code, 0);
  assert.ok(readSvgChart(join(out, 'accuracy-by-epoch.svg')).texts.includes('first-run'));
});

test('a missing or empty metrics.jsonl is an error naming the file', () => {
  const noMetrics = join(root, 'no-metrics');
  mkdirSync(noMetrics);
  let r = plot(noMetrics, '--out', join(root, 'x'));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^rwp-plot: error: .*no-metrics\/metrics\.jsonl: no such file/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');

  const empty = join(root, 'empty');
  mkdirSync(empty);
  writeFileSync(join(empty, 'metrics.jsonl'), '');
  r = plot(empty, '--out', join(root, 'x'));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /empty\/metrics\.jsonl is empty/);

  r = plot(join(root, 'nowhere'));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /nowhere: no such run directory/);
  assert.ok(!existsSync(join(root, 'x')), 'nothing is written when an input is wrong');
});

test('--label method needs summary.json; no run directory at all is a usage error', () => {
  const dir = join(root, 'running');
  mkdirSync(dir);
  writeFileSync(join(dir, 'metrics.jsonl'), JSON.stringify({ epoch: 1, step: 5, train_loss: 1, epoch_seconds: 1, test_acc: 0.5 }) + '\n');
  const r = plot(dir, '--label', 'method', '--out', join(root, 'y'));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /running\/summary\.json: no such file/);
  assert.equal(plot().code, 2);
});
