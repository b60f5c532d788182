import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUN_DIR_LOCK, type LockHolder } from '@rwp/process-group';
import { finalWeights, LAUNCH_CLI, run, SMOKE_CONFIG, TRAIN_CLI } from './testing/cli-runs.js';

const SMALL = ['--set', 'threads=1', '--set', 'data.limit_train=256', '--set', 'data.limit_test=64', '--set', 'data.batch_size=16', '--set', 'train.max_steps=null'];
const tmp = () => mkdtempSync(join(tmpdir(), 'rwp-lock-'));

async function waitFor(what: string, ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a second rwp-train or rwp-launch on a run directory that rwp-launch holds is refused, naming the holder; the first run ends as if alone', async () => {
  const whole = tmp();
  const w = await run([TRAIN_CLI, SMOKE_CONFIG, '--run-dir', whole, ...SMALL]);
  assert.equal(w.code, 0, w.out);

  const dir = tmp();
  const first = spawn(process.execPath, [LAUNCH_CLI, '--nproc', '1', SMOKE_CONFIG, '--run-dir', dir, ...SMALL], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  first.stdout.on('data', (d) => (out += d));
  first.stderr.on('data', (d) => (out += d));
  const ended = new Promise<number | null>((r) => first.on('exit', (code) => r(code)));
  const lockFile = join(dir, RUN_DIR_LOCK);
  try {
    await waitFor('the launcher to take the lock', () => existsSync(lockFile), 60_000);
    // Stopped, the launcher still holds the lock (and its worker, which it covers, trains on): no race with its end.
    first.kill('SIGSTOP');
    const holder = JSON.parse(readFileSync(lockFile, 'utf8')) as LockHolder;
    assert.equal(holder.program, 'rwp-launch');
    assert.equal(holder.pid, first.pid);
    const named = `run directory ${dir} is in use by rwp-launch \\(pid ${first.pid} on host ${holder.host}, since ${holder.started}; lock file ${lockFile}\\)`;

    const train = await run([TRAIN_CLI, SMOKE_CONFIG, '--run-dir', dir, ...SMALL, '--resume']);
    assert.equal(train.code, 1, train.out);
    const errors = train.out.split('\n').filter((l) => l.includes('"level":50'));
    assert.equal(errors.length, 1, train.out);
    assert.match(errors[0], new RegExp(`"msg":"${named}"`));

    const launch = await run([LAUNCH_CLI, '--nproc', '1', SMOKE_CONFIG, '--run-dir', dir, ...SMALL]);
    assert.equal(launch.code, 2, launch.out);
    assert.match(launch.out, new RegExp(`^rwp-launch: error: ${named}\\n$`));
  } finally {
    first.kill('SIGCONT');
  }
  assert.equal(await ended, 0, out);
  assert.ok(!existsSync(lockFile), 'the launcher released the lock');
  assert.deepEqual(finalWeights(dir), finalWeights(whole), 'the refused processes changed nothing');
});

test('a lock left by a killed rwp-train is stale: the next run takes it over and says so', async () => {
  const dir = tmp();
  const killed = spawn(process.execPath, [TRAIN_CLI, SMOKE_CONFIG, '--run-dir', dir, ...SMALL], { stdio: 'ignore' });
  const ended = new Promise((r) => killed.on('exit', r));
  await waitFor('rwp-train to take the lock', () => existsSync(join(dir, RUN_DIR_LOCK)), 60_000);
  killed.kill('SIGKILL');
  await ended;
  assert.ok(existsSync(join(dir, RUN_DIR_LOCK)), 'SIGKILL leaves the lock behind');
  const next = await run([TRAIN_CLI, SMOKE_CONFIG, '--run-dir', dir, ...SMALL, '--set', 'train.max_steps=2', '--resume']);
  assert.equal(next.code, 0, next.out);
  assert.match(next.out, new RegExp(`took over the stale lock ${join(dir, RUN_DIR_LOCK)} of rwp-train \\(pid ${killed.pid} on host`));
  assert.ok(!existsSync(join(dir, RUN_DIR_LOCK)));
});
