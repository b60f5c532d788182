// A rank that computes slower than the others is named at the end of each epoch, and each epoch
// line holds every rank's compute time: in data parallel training the others' wait for it hides
// inside their allreduce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@rwp/process-group';
import { SMOKE_CONFIG, TRAIN_CLI } from './testing/cli-runs.js';
import type { EpochMetrics } from './metrics.js';

/** Rank 1 is stopped this long in every SLICE_MS: on an idle host it runs at 20% of its speed. */
const SLICE_MS = 100;
const STOPPED_MS = 80;

test('a rank slowed down for whole epochs is named as a straggler (3 ranks); every epoch line holds each rank\'s compute ms', { timeout: 300_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rwp-straggler-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  // Plain SGD, so every rank does the same work per step (in RWP only some perturb the weights).
  const args = [TRAIN_CLI, SMOKE_CONFIG, '--run-dir', dir, '--set', 'threads=1', '--set', 'method.name=sgd', '--set', 'data.limit_train=384', '--set', 'data.limit_test=64',
    '--set', 'data.batch_size=16', '--set', 'train.max_steps=null', '--set', 'train.epochs=2'];
  const ranks = [0, 1, 2].map((rank) => {
    const env = { ...process.env, RANK: String(rank), WORLD_SIZE: '3', LOCAL_RANK: String(rank), LOCAL_WORLD_SIZE: '3', MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), RWP_RUN_ID: `straggler-${port}` };
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    return { child, exit, out: () => out };
  });
  // A real slowdown, as a throttled CPU or a busy host would cause: rank 1 is stopped and continued
  // (which slows it on an idle host), at the lowest priority (which slows it on a busy one, where
  // the scheduler would otherwise make up a stopped process's lost time when it runs again).
  const slow = ranks[1].child;
  setPriority(slow.pid!, 19);
  const slicer = setInterval(() => {
    slow.kill('SIGSTOP');
    setTimeout(() => slow.kill('SIGCONT'), STOPPED_MS);
  }, SLICE_MS);
  const codes = await Promise.all(ranks.map((r) => r.exit)).finally(() => {
    clearInterval(slicer);
    slow.kill('SIGCONT');
  });
  const out = ranks[0].out();
  assert.deepEqual(codes, [0, 0, 0], out + ranks[1].out());

  const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as EpochMetrics);
  assert.equal(lines.length, 2);
  for (const m of lines) {
    const ms = m.rank_compute_ms!;
    assert.equal(ms.length, 3);
    assert.ok(ms.every((x) => x > 0) && ms[1] > Math.max(ms[0], ms[2]), `epoch ${m.epoch}: rank compute ms ${ms}`);
  }
  const warned = out.split('\n').filter((l) => l.includes('"msg":"straggler: '));
  assert.equal(warned.length, 2, out);
  for (const [i, line] of warned.entries()) {
    assert.match(line, new RegExp(`straggler: rank 1 computed [0-9.]+ ms/step in epoch ${i + 1}, [0-9]+% slower than the median rank`));
  }
});
