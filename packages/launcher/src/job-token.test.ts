import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixture, jsonLines, PROCESSES, runCli, scratch } from './testing/harness.js';

function tokenOf(runDir: string, rank: number): string | undefined {
  return (JSON.parse(readFileSync(join(runDir, `env-${rank}.json`), 'utf8')) as { env: Record<string, string | undefined> }).env.RWP_JOB_TOKEN;
}

test('on one host the launcher generates a job token per launch and hands it to every worker, never showing it', PROCESSES, async (t) => {
  const { config, runDir } = scratch(t);
  const runs = [];
  for (const dir of [join(runDir, 'a'), join(runDir, 'b')]) {
    const r = await runCli(t, ['--nproc', '2', '--run-dir', dir, '--worker', fixture('report-env'), config]);
    assert.equal(r.code, 0, r.stderr);
    runs.push([tokenOf(dir, 0), tokenOf(dir, 1)]);
    assert.ok(jsonLines(r.stdout).some((l) => l.rank === 'launcher' && /job token .*: generated for this launch/.test(String(l.msg))));
    assert.ok(!r.stdout.includes(String(runs.at(-1)![0])), 'the token is not in the output');
  }
  assert.match(runs[0][0] ?? '', /^[0-9a-f]{64}$/);
  assert.equal(runs[0][0], runs[0][1]);
  assert.notEqual(runs[0][0], runs[1][0]);
  const dry = await runCli(t, ['--nproc', '1', '--worker', fixture('report-env'), '--dry-run', config]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.doesNotMatch(dry.stdout, /RWP_JOB_TOKEN/);
});

test('--token-file gives every worker the file token and warns when others can read it', PROCESSES, async (t) => {
  const { dir, config, runDir } = scratch(t);
  const file = join(dir, 'token');
  writeFileSync(file, 'from-the-file\n');
  chmodSync(file, 0o644);
  const r = await runCli(t, ['--nproc', '2', '--token-file', file, '--run-dir', runDir, '--worker', fixture('report-env'), config]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual([tokenOf(runDir, 0), tokenOf(runDir, 1)], ['from-the-file', 'from-the-file']);
  assert.ok(jsonLines(r.stdout).some((l) => l.rank === 'launcher' && String(l.msg).includes(`the token file ${file} can be read by other users`)));
});

test('several hosts need a token file, RWP_JOB_TOKEN or --unauthenticated; contradictions are usage errors', PROCESSES, async (t) => {
  const { dir, config } = scratch(t);
  const node1 = ['--nproc', '1', '--nnodes', '2', '--node-rank', '1', '--master-addr', '10.0.0.1', '--worker', fixture('report-env'), '--dry-run'];
  const none = await runCli(t, [...node1, config]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /--nnodes 2 needs a job token shared by every host: --token-file FILE .* or RWP_JOB_TOKEN; or --unauthenticated/);
  const waived = await runCli(t, [...node1, '--unauthenticated', config]);
  assert.equal(waived.code, 0, waived.stderr);
  writeFileSync(join(dir, 'token'), 'x');
  const both = await runCli(t, [...node1, '--unauthenticated', '--token-file', join(dir, 'token'), config]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--unauthenticated contradicts --token-file/);
  const missing = await runCli(t, [...node1, '--token-file', join(dir, 'nope'), config]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--token-file .*nope: no such file/);
  writeFileSync(join(dir, 'empty'), '\n');
  const empty = await runCli(t, [...node1, '--token-file', join(dir, 'empty'), config]);
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /--token-file .*empty is empty/);
});
