import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixture, jsonLines, PROCESSES, runCli, scratch } from './testing/harness.js';

test('--max-restarts starts the group again with --resume and the next restart count, and it succeeds', PROCESSES, async (t) => {
  const { config, runDir } = scratch(t);
  const r = await runCli(t, ['--nproc', '2', '--max-restarts', '2', '--run-dir', runDir, '--worker', fixture('fail-first-attempt'), config]);
  assert.equal(r.code, 0, r.stdout);
  const attempt = (restart: number, rank: number) =>
    JSON.parse(readFileSync(join(runDir, `attempt-${restart}-rank-${rank}.json`), 'utf8')) as { argv: string[]; env: Record<string, string> };
  for (const rank of [0, 1]) {
    assert.ok(!attempt(0, rank).argv.includes('--resume'));
    assert.deepEqual(attempt(1, rank).argv.slice(-3), ['--run-dir', runDir, '--resume']);
    assert.equal(attempt(1, rank).env.RWP_RESTART_COUNT, '1');
    assert.ok(!existsSync(join(runDir, `attempt-2-rank-${rank}.json`)), 'no third attempt');
  }
  assert.notEqual(attempt(0, 0).env.RWP_RUN_ID, attempt(1, 0).env.RWP_RUN_ID, 'a fresh run id per start');
  assert.equal(attempt(1, 0).env.RWP_RUN_ID, attempt(1, 1).env.RWP_RUN_ID);
  const lines = jsonLines(r.stdout);
  assert.ok(lines.some((l) => l.rank === 'launcher' && l.msg === 'restarting the group with --resume (restart 1 of 2)'));
  assert.ok(lines.some((l) => l.rank === 'launcher' && String(l.msg).startsWith('rank 1 exited with code 1')));
});

test('without restarts left the launcher exits with the failed worker code', PROCESSES, async (t) => {
  const { config, runDir } = scratch(t);
  const r = await runCli(t, ['--nproc', '2', '--run-dir', runDir, '--worker', fixture('fail-first-attempt'), config]);
  assert.equal(r.code, 1);
  assert.ok(!existsSync(join(runDir, 'attempt-1-rank-0.json')));
  assert.match(r.stdout, /rank 1 fails on purpose on the first attempt/);
});

test('--resume hands --resume to the workers from the first start (a restarted container continues)', PROCESSES, async (t) => {
  const { config, runDir } = scratch(t);
  const r = await runCli(t, ['--nproc', '2', '--resume', '--max-restarts', '1', '--run-dir', runDir, '--worker', fixture('fail-first-attempt'), config]);
  assert.equal(r.code, 0, r.stdout);
  for (const rank of [0, 1]) {
    const argv = (JSON.parse(readFileSync(join(runDir, `attempt-0-rank-${rank}.json`), 'utf8')) as { argv: string[] }).argv;
    assert.deepEqual(argv.slice(-3), ['--run-dir', runDir, '--resume']);
  }
});
