// What a person sees of `rwp-launch` on a terminal, and what a pipe gets, with real workers.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { hasScript, LAUNCH_CLI, run, runOnTerminal, SMOKE_CONFIG } from './testing/cli-runs.js';

// 2 ranks of 8 steps a pass, 48 steps: a few seconds, long enough for progress records past the first steps.
const SMALL = [
  '--set', 'data.limit_train=256', '--set', 'data.limit_test=64', '--set', 'data.batch_size=16',
  '--set', 'train.epochs=3', '--set', 'train.max_steps=48', '--set', 'train.log_every=10',
];
const ERASE = '\r\x1b[2K';
const COLUMNS = 100;

function runDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'rwp-launch-output-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'run');
}

test('on a terminal: a progress line at the bottom, sentences above it, no object dumps, a table at the end', { skip: !hasScript() && 'util-linux script is not installed' }, async (t) => {
  const dir = runDir(t);
  const r = await runOnTerminal([LAUNCH_CLI, '--nproc', '2', SMOKE_CONFIG, '--run-dir', dir, ...SMALL], COLUMNS);
  assert.equal(r.code, 0, r.out);
  const screen = r.out.replace(/\x1b\[[0-9;]*m/g, '').replace(/\r\n/g, '\n');
  const bars = screen.split(ERASE).map((s) => s.split('\n')[0]).filter((s) => s.startsWith('step '));
  assert.ok(bars.length >= 2, screen);
  for (const bar of bars) {
    assert.match(bar, /^step \d+\/48 \(\d+%\) {2}\[[#.]{20}\] {2}epoch \d+\/6 {2}(loss \d+\.\d{4} {2})?lr \d\.\d+ {2}(\d+ img\/s {2})?ETA (measuring|\d+s)$/);
    assert.ok(bar.length < COLUMNS);
  }
  assert.match(bars.at(-1) ?? '', /^step 48\/48 \(100%\) .* img\/s {2}ETA 0s$/, 'the last step is drawn, with a measured rate');
  assert.match(screen, /INFO: \[rank 0\] epoch 1 of 6: train loss \d+\.\d+ acc \d+\.\d+%, test loss \d+\.\d+ acc \d+\.\d+%, \d+\.\d ms\/step \(comm \d+\.\d, data \d+\.\d\)\n/);
  assert.match(screen, /INFO: \[rank 1\] rank 1 of 2 ready; allreduce over shared memory\n/);
  assert.doesNotMatch(screen, /^\s+"?\w+"?: /m, 'no field of a record on a line of its own');
  assert.doesNotMatch(screen, /train_loss|wall_seconds|"summary"|\{/);
  assert.match(
    screen,
    new RegExp(
      `\\nRun finished: rwp on cnn, synthetic, 2 rank\\(s\\), 48 steps\\n {2}final test accuracy {2}\\d+\\.\\d\\d%\\n {2}best test accuracy {3}\\d+\\.\\d\\d%\\n` +
        ` {2}wall time {12}\\d+s\\n {2}ms per step {10}[\\d.]+ = compute [\\d.]+ \\+ comm [\\d.]+ \\+ data [\\d.]+\\n {2}run dir {14}${dir}\\n` +
        ` {2}model {16}${dir}/model/model.json\\n {2}plot it {14}npx rwp-plot ${dir} --out ${dir}/plots\\n$`,
    ),
  );
  // The fields are in the rank's log file, as JSON.
  const log = readFileSync(join(dir, 'logs', 'rank-0.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.ok(log.some((l) => typeof (l.metrics as { train_loss?: unknown } | undefined)?.train_loss === 'number'));
  assert.ok(log.some((l) => (l.progress as { step?: unknown } | undefined)?.step === 48));
});

test('piped: still one JSON object a line, progress and summary records included', async (t) => {
  const dir = runDir(t);
  const r = await run([LAUNCH_CLI, '--nproc', '2', SMOKE_CONFIG, '--run-dir', dir, ...SMALL]);
  assert.equal(r.code, 0, r.out);
  const lines = r.out.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.ok(lines.every((l) => typeof l === 'object' && l !== null && !Array.isArray(l) && 'rank' in l && typeof l.msg === 'string'));
  const progress = lines.filter((l) => l.progress !== undefined);
  assert.ok(progress.length >= 2);
  assert.ok(progress.every((l) => l.rank === 0));
  assert.deepEqual(Object.keys(progress.at(-1)?.progress as object).sort(), ['epoch', 'epochs', 'eta_s', 'images_per_s', 'loss', 'lr', 'step', 'total']);
  assert.equal(lines.filter((l) => l.metrics !== undefined).length, 6);
  const end = lines.find((l) => l.summary !== undefined);
  assert.equal(end?.run_dir, dir);
  assert.equal(end?.model, join(dir, 'model', 'model.json'));
  assert.equal(typeof (end?.timing as { compute_ms?: unknown }).compute_ms, 'number');
  assert.doesNotMatch(r.out, /\x1b/);
});
