import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { shmPrefixFor } from '@rwp/shm';
import { alive, fixture, jsonLines, PROCESSES, recordedPids, runCli, scratch } from './testing/harness.js';

async function runWithFailure(t: Parameters<typeof scratch>[0], failWith: string) {
  const { config, runDir } = scratch(t);
  const r = await runCli(t, [
    '--nproc', '3', '--run-dir', runDir, '--worker', fixture('sleep-or-fail'), config,
    '--set', 'fail_rank=1', '--set', `fail_with=${failWith}`,
  ]);
  const pids = recordedPids(runDir);
  assert.equal(pids.length, 3, 'every rank started');
  for (const p of pids) {
    assert.ok(!alive(p.worker), `worker of rank ${p.rank} (pid ${p.worker}) ended`);
    assert.ok(!alive(p.child), `the child of rank ${p.rank} (pid ${p.child}) ended`);
  }
  const report = jsonLines(r.stdout).find((l) => l.rank === 'launcher' && l.level === 50 && String(l.msg).includes('last 20 line'));
  assert.ok(report, r.stdout);
  return { r, runDir, report: String(report.msg) };
}

test('a worker exiting 3 stops the others; the launcher names the rank, the code and its last lines', PROCESSES, async (t) => {
  const { r, runDir, report } = await runWithFailure(t, 'code:3');
  assert.equal(r.code, 3);
  assert.match(report, /^rank 1 exited with code 3; its last 20 line\(s\)/);
  assert.match(report, /\| failing line 6\n/);
  assert.match(report, /\| failing line 25$/);
  assert.doesNotMatch(report, /failing line 5\n/);
  for (const rank of [0, 2]) assert.ok(existsSync(join(runDir, `sigterm-${rank}`)), `rank ${rank} got SIGTERM`);
});

test('a worker killed by SIGKILL is reported by signal name', PROCESSES, async (t) => {
  const { r, report } = await runWithFailure(t, 'signal:SIGKILL');
  assert.equal(r.code, 128 + 9);
  assert.match(report, /^rank 1 was killed by SIGKILL/);
});

test('shared memory left by killed workers is removed when the group ends', PROCESSES, async (t) => {
  const { config, runDir } = scratch(t);
  // Rank 1 exits after its first allreduce through shared memory; the launcher stops ranks 0 and 2.
  const r = await runCli(t, ['--nproc', '3', '--run-dir', runDir, '--worker', fixture('allreduce'), config, '--set', 'fail_rank=1']);
  assert.equal(r.code, 7, r.stdout);
  const lines = jsonLines(r.stdout);
  const start = lines.find((l) => l.rank === 'launcher' && typeof l.runId === 'string');
  assert.ok(start, r.stdout);
  const removed = lines.find((l) => l.rank === 'launcher' && /^removed \d+ shared-memory region\(s\) left in \/dev\/shm/.test(String(l.msg)));
  assert.ok(removed, r.stdout);
  const prefix = `${shmPrefixFor(String(start.runId), Number(start.masterPort))}-`;
  assert.deepEqual(readdirSync('/dev/shm').filter((f) => f.startsWith(prefix)), []);
});

test('a child a worker leaves behind is stopped before the launcher exits', PROCESSES, async (t) => {
  const { config, runDir } = scratch(t);
  const r = await runCli(t, ['--nproc', '2', '--run-dir', runDir, '--worker', fixture('leave-child'), config]);
  assert.equal(r.code, 0, r.stdout);
  const pids = recordedPids(runDir);
  assert.equal(pids.length, 2);
  for (const p of pids) assert.ok(!alive(p.child), `the child of rank ${p.rank} (pid ${p.child}) ended`);
  assert.match(r.stdout, /processes started by the workers still run after the workers ended; stopping them/);
});
