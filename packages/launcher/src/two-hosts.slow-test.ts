// Two hosts simulated by two network namespaces joined by a veth pair (10.123.0.1 and
// 10.123.0.2), one rwp-launch in each, the workers using the real @rwp/collective over tcp.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fixture, jsonLines, PROCESSES, scratch, startCli } from './testing/harness.js';

const ADDRS = ['10.123.0.1', '10.123.0.2'];

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Why the namespaces cannot be made here, or undefined when they can. */
function cannotRun(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces';
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
  } catch {
    return '`ip netns` is unavailable (install iproute2)';
  }
  return undefined;
}

/** Two namespaces, deleted after the test; returns their names. */
function twoHosts(t: TestContext): string[] {
  const tag = `rwpl${process.pid}`;
  const names = [`${tag}-0`, `${tag}-1`];
  const veth = [`${tag}a`, `${tag}b`];
  t.after(() => {
    for (const ns of names) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // Never created.
      }
    }
  });
  for (const ns of names) ip('netns', 'add', ns);
  ip('link', 'add', veth[0], 'type', 'veth', 'peer', 'name', veth[1]);
  names.forEach((ns, i) => {
    ip('link', 'set', veth[i], 'netns', ns);
    ip('-n', ns, 'addr', 'add', `${ADDRS[i]}/24`, 'dev', veth[i]);
    ip('-n', ns, 'link', 'set', veth[i], 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  });
  return names;
}

function launchOnBothHosts(t: TestContext, extra: string[]) {
  const namespaces = twoHosts(t);
  const { dir, config, runDir } = scratch(t);
  const token = join(dir, 'token');
  writeFileSync(token, 'two-hosts-test-token', { mode: 0o600 });
  return namespaces.map((ns, node) =>
    startCli(
      t,
      [
        '--nnodes', '2', '--node-rank', String(node), '--nproc', '2', '--master-addr', ADDRS[0], '--transport', 'tcp', '--token-file', token,
        '--comm-timeout', '20', '--run-dir', join(runDir, `node-${node}`), '--worker', fixture('allreduce'), config, ...extra,
      ],
      undefined,
      ['ip', 'netns', 'exec', ns],
    ),
  );
}

test('two hosts: four ranks complete allreduces over tcp, their ring listening within --data-ports', { ...PROCESSES, skip: cannotRun() }, async (t) => {
  const runs = launchOnBothHosts(t, ['--data-ports', '41000-41001']);
  const results = await Promise.all(runs.map((r) => r.done));
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
  const results = await Promise.all(runs.map((r) => r.done));
  assert.equal(results[1].code, 7, runs[1].stdout());
  assert.match(runs[1].stdout(), /rank 3 exited with code 7/);
  assert.notEqual(results[0].code, 0, runs[0].stdout());
  assert.match(runs[0].stdout(), /"msg":"rank [01] (exited with code|was killed by)/);
});

test('two hosts: after a rank dies both launchers restart and the group completes', { ...PROCESSES, skip: cannotRun() }, async (t) => {
  const runs = launchOnBothHosts(t, ['--max-restarts', '1', '--set', 'fail_rank=3']);
  const results = await Promise.all(runs.map((r) => r.done));
  results.forEach(({ code }, node) => {
    const lines = jsonLines(runs[node].stdout());
    assert.equal(code, 0, runs[node].stdout());
    assert.ok(lines.some((l) => l.rank === 'launcher' && l.msg === 'restarting the group with --resume (restart 1 of 1)'));
    assert.deepEqual(lines.filter((l) => l.msg === 'allreduce ok').map((l) => l.rank).sort(), [2 * node, 2 * node + 1]);
  });
});
