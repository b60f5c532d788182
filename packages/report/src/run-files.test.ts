import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { methodLabel, passesPerEpoch, readRun, RunFileError } from './run-files.js';

const line = (epoch: number, extra: object = {}) =>
  JSON.stringify({ epoch, step: epoch * 10, lr: 0.1, train_loss: 1 / epoch, train_acc: 0.5, test_loss: 0.9, test_acc: 0.6, epoch_seconds: 2, step_ms: 200, comm_ms: 0, data_ms: 1, images_per_s: 640, ...extra });

const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function runDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rwp-report-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

test('reads metrics lines and the summary of a run directory', () => {
  const summary = { method: { name: 'rwp', perturbed_ranks: null }, world_size: 2, test_acc: 0.6, steps: 20 };
  const dir = runDir({ 'metrics.jsonl': `${line(1)}\n${line(2)}\n\n`, 'summary.json': JSON.stringify(summary) });
  const run = readRun(dir);
  assert.equal(run.metrics.length, 2);
  assert.equal(run.metrics[1].epoch, 2);
  assert.equal(run.summary?.world_size, 2);
});

test('a run still going (no summary.json) reads with a null summary', () => {
  assert.equal(readRun(runDir({ 'metrics.jsonl': line(1) })).summary, null);
});

test('errors name the directory, the file and the line that is wrong', () => {
  const missingDir = join(tmpdir(), 'rwp-report-no-such-dir');
  assert.throws(() => readRun(missingDir), (e: Error) => e instanceof RunFileError && e.message.includes(missingDir) && /no such run directory/.test(e.message));

  const noMetrics = runDir({});
  assert.throws(() => readRun(noMetrics), (e: Error) => e.message.includes(join(noMetrics, 'metrics.jsonl')) && /no such file/.test(e.message));

  const empty = runDir({ 'metrics.jsonl': '\n' });
  assert.throws(() => readRun(empty), (e: Error) => e.message.includes(join(empty, 'metrics.jsonl')) && /is empty/.test(e.message));

  const broken = runDir({ 'metrics.jsonl': `${line(1)}\n{"epoch": 2,\n` });
  assert.throws(() => readRun(broken), (e: Error) => e.message.includes(`${join(broken, 'metrics.jsonl')} line 2: not JSON`));

  const noField = runDir({ 'metrics.jsonl': JSON.stringify({ epoch: 1 }) });
  assert.throws(() => readRun(noField), /line 1: field "step" is missing/);

  const badSummary = runDir({ 'metrics.jsonl': line(1), 'summary.json': '{' });
  assert.throws(() => readRun(badSummary), (e: Error) => e.message.includes(join(badSummary, 'summary.json')));

  const notSummary = runDir({ 'metrics.jsonl': line(1), 'summary.json': '{"a": 1}' });
  assert.throws(() => readRun(notSummary), /no "method.name" or "world_size"/);
});

test('a directory that is a file is not a run directory', () => {
  const dir = runDir({ 'metrics.jsonl': line(1) });
  mkdirSync(join(dir, 'sub'));
  assert.throws(() => readRun(join(dir, 'metrics.jsonl')), /no such run directory/);
});

test('method labels and passes per SGD-equivalent epoch follow the trainer accounting', () => {
  const s = (name: string, world_size: number, perturbed_ranks: number | null = null) => ({ method: { name, perturbed_ranks }, world_size });
  assert.equal(methodLabel(s('sgd', 1)), 'sgd');
  assert.equal(methodLabel(s('rwp', 1)), 'rwp, sequential');
  assert.equal(methodLabel(s('rwp', 2)), 'rwp, 2 ranks');
  assert.equal(methodLabel(s('arwp', 1)), 'arwp, sequential');
  assert.equal(methodLabel(s('arwp', 2)), 'arwp, 2 ranks');
  assert.equal(passesPerEpoch(s('sgd', 1)), 1);
  assert.equal(passesPerEpoch(s('sam', 1)), 1);
  assert.equal(passesPerEpoch(s('rwp', 1)), 2);
  assert.equal(passesPerEpoch(s('rwp', 2)), 2);
  assert.equal(passesPerEpoch(s('rwp', 4)), 2);
  assert.equal(passesPerEpoch(s('rwp', 4, 1)), 4 / 3);
  assert.equal(passesPerEpoch(s('rwp', 3)), 1.5);
  assert.equal(passesPerEpoch(s('arwp', 2)), 2);
  assert.equal(passesPerEpoch(null), 1);
});
