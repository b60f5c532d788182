// Several nodes' launchers on this host (--master-addr 127.0.0.1): node 0's launcher decides for
// all, so a failure on node 1 stops and restarts node 0's group too, even when node 0's workers
// would never notice it themselves (they only sleep).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { allEnded, fixture, freeMasterPort, jsonLines, PROCESSES, scratch, startCli, waitFor } from './testing/harness.js';

function tokenFile(dir: string, name: string, token: string): string {
  const file = join(dir, name);
  writeFileSync(file, token, { mode: 0o600 });
  return file;
}

async function twoNodes(t: TestContext, worker: string, extra: (node: number) => string[]) {
  const { dir, config, runDir } = scratch(t);
  const port = await freeMasterPort();
  const runs = [0, 1].map((node) =>
    startCli(t, [
      '--nnodes', '2', '--node-rank', String(node), '--nproc', '1', '--master-addr', '127.0.0.1', '--master-port', String(port),
      '--run-dir', runDir, '--worker', fixture(worker), ...extra(node), config,
    ]),
  );
  return { dir, runDir, runs };
}

const launcherSaid = (stdout: string, msg: RegExp) => jsonLines(stdout).some((l) => l.rank === 'launcher' && msg.test(String(l.msg)));

test('a worker failing on node 1 stops node 0 too, and both restart together', PROCESSES, async (t) => {
  const { dir } = scratch(t);
  const token = tokenFile(dir, 'token', 'together');
  const { runDir, runs } = await twoNodes(t, 'fail-first-attempt', () => ['--token-file', token, '--max-restarts', '1']);
  const results = await allEnded(runs);
  results.forEach(({ code }, node) => assert.equal(code, 0, `node ${node}:\n${runs[node].stdout()}${runs[node].stderr()}`));
  for (const rank of [0, 1]) {
    const env = (JSON.parse(readFileSync(join(runDir, `attempt-1-rank-${rank}.json`), 'utf8')) as { env: Record<string, string> }).env;
    assert.equal(env.RWP_RESTART_COUNT, '1');
    assert.ok(!existsSync(join(runDir, `attempt-2-rank-${rank}.json`)), 'no third attempt');
  }
  assert.ok(launcherSaid(runs[0].stdout(), /^stopping the group on every node: rank 1 on node 1 exited with code 1$/), runs[0].stdout());
  for (const r of runs) assert.ok(launcherSaid(r.stdout(), /^restarting the group with --resume \(restart 1 of 1\)$/), r.stdout());
  assert.ok(launcherSaid(runs[1].stdout(), /^joined node 0's launcher at 127\.0\.0\.1:\d+$/));
});

test('without restarts left every node ends with the failed worker code', PROCESSES, async (t) => {
  const { runs } = await twoNodes(t, 'fail-first-attempt', () => ['--unauthenticated']);
  const results = await allEnded(runs);
  assert.deepEqual(results.map((r) => r.code), [1, 1]);
  assert.ok(launcherSaid(runs[0].stdout(), /^the job ends: rank 1 on node 1 exited with code 1$/), runs[0].stdout());
});

test('a launcher with another job token is refused on the launchers port, and node 0 names the address', PROCESSES, async (t) => {
  const { dir } = scratch(t);
  const tokens = [tokenFile(dir, 'a', 'one'), tokenFile(dir, 'b', 'two')];
  const { runs } = await twoNodes(t, 'report-env', (node) => ['--token-file', tokens[node], '--comm-timeout', '3']);
  const results = await allEnded(runs);
  assert.equal(results[1].code, 2);
  assert.match(runs[1].stderr(), /node 0's launcher at 127\.0\.0\.1:\d+: it did not prove this job token/);
  assert.equal(results[0].code, 2);
  assert.match(runs[0].stderr(), /node\(s\) 1 did not join within 3 s/);
  assert.ok(launcherSaid(runs[0].stdout(), /^the launchers' port refused a connection from 127\.0\.0\.1:\d+: it does not hold the job token/), runs[0].stdout());
});

test('SIGINT to node 1 ends the job on every node, without a restart', PROCESSES, async (t) => {
  const { runDir, runs } = await twoNodes(t, 'sleep-or-fail', () => ['--unauthenticated', '--max-restarts', '2']);
  await waitFor('both workers', () => existsSync(join(runDir, 'pids-0.json')) && existsSync(join(runDir, 'pids-1.json')));
  runs[1].child.kill('SIGINT');
  const results = await allEnded(runs);
  assert.equal(results[1].code, 130, runs[1].stdout());
  assert.notEqual(results[0].code, 0, runs[0].stdout());
  assert.ok(launcherSaid(runs[0].stdout(), /^stopping the group on every node: node 1's launcher was interrupted$/), runs[0].stdout());
  assert.ok(!launcherSaid(runs[0].stdout(), /restarting/));
});

test('node 1 does not wait on a launchers port held by something that is not a launcher: it says so and exits 2', PROCESSES, async (t) => {
  const { config, runDir } = scratch(t);
  const port = await freeMasterPort();
  // Accepts, reads nothing, and hangs up: what a stray service on --master-port + 1 might do.
  const stray = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => stray.listen(port + 1, '127.0.0.1', resolve));
  t.after(() => stray.close());
  const run = startCli(t, [
    '--nnodes', '2', '--node-rank', '1', '--nproc', '1', '--master-addr', '127.0.0.1', '--master-port', String(port), '--unauthenticated',
    '--run-dir', runDir, '--worker', fixture('report-env'), config,
  ]);
  const [result] = await allEnded([run]);
  assert.equal(result.code, 2, run.stdout() + run.stderr());
  assert.match(run.stderr(), /node 0's launcher at 127\.0\.0\.1:\d+: it closed the connection during the handshake/);
});
