// Two hosts (testing/two-hosts.ts), one rwp-launch in each, the workers using the real
// @rwp/collective over tcp.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { allEnded, fixture, jsonLines, PROCESSES, scratch, startCli } from './testing/harness.js';
import { ADDRS, cannotRun, onHost, twoHosts } from './testing/two-hosts.js';

function launchOnBothHosts(t: TestContext, extra: string[]) {
  const namespaces = twoHosts(t);
  const { dir, config, runDir } = scratch(t);
  const token = join(dir, 'token');
  writeFileSync(token, 'two-hosts-test-token', { mode: 0o600 });
  return namespaces.map((_ns, node) =>
    startCli(
      t,
      [
        '--nnodes', '2', '--node-rank', String(node), '--nproc', '2', '--master-addr', ADDRS[0], '--transport', 'tcp', '--token-file', token,
        '--comm-timeout', '20', '--run-dir', join(runDir, `node-${node}`), '--worker', fixture('allreduce'), config, ...extra,
      ],
      undefined,
      onHost(namespaces, node, false),
    ),
  );
}

test('two hosts: four ranks complete allreduces over tcp, their ring listening within --data-ports', { ...PROCESSES, skip: cannotRun() }, async (t) => {
  const runs = launchOnBothHosts(t, ['--data-ports', '41000-41001']);
  const results = await allEnded(runs);
  results.forEach(({ code }, node) => {
    assert.equal(code, 0, `node ${node}:\n${runs[node].stdout()}\n${runs[node].stderr()}`);
    const lines = jsonLines(runs[node].stdout());
    const ok = lines.filter((l) => l.msg === 'allreduce ok' && l.worldSize === 4);
    assert.deepEqual(ok.map((l) => l.rank).sort(), [2 * node, 2 * node + 1]);
    const ports = lines.filter((l) => l.msg === 'ring ports').flatMap((l) => l.ports as number[]);
    assert.deepEqual(ports.sort(), [41000, 41001], runs[node].stdout());
  });
});

test('two hosts: a rank dying on one host ends the launchers of both', { ...PROCESSES, skip: cannotRun() }, async (t) => {
  const runs = launchOnBothHosts(t, ['--set', 'fail_rank=3']);
  const results = await allEnded(runs);
  assert.equal(results[1].code, 7, runs[1].stdout());
  assert.match(runs[1].stdout(), /rank 3 exited with code 7/);
  assert.notEqual(results[0].code, 0, runs[0].stdout());
  assert.match(runs[0].stdout(), /"msg":"rank [01] (exited with code|was killed by)/);
});

test('two hosts: after a rank dies both launchers restart and the group completes', { ...PROCESSES, skip: cannotRun() }, async (t) => {
  const runs = launchOnBothHosts(t, ['--max-restarts', '1', '--set', 'fail_rank=3']);
  const results = await allEnded(runs);
  results.forEach(({ code }, node) => {
    const lines = jsonLines(runs[node].stdout());
    assert.equal(code, 0, runs[node].stdout());
    assert.ok(lines.some((l) => l.rank === 'launcher' && l.msg === 'restarting the group with --resume (restart 1 of 1)'));
    assert.deepEqual(lines.filter((l) => l.msg === 'allreduce ok').map((l) => l.rank).sort(), [2 * node, 2 * node + 1]);
  });
});
