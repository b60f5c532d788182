// Real training (rwp-train) on two simulated hosts (testing/two-hosts.ts) of 2 ranks each, every
// host with its own host name and /dev/shm: the ranks of a host reduce through shared memory and
// the hosts over TCP, in one ring. Each run must end with the very weights of the same run on one
// host: cleanly, with strangers knocking at the rendezvous and a data port, and after a rank of
// host 1 is killed and both hosts restart.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, type TestContext } from 'node:test';
import { allEnded, jsonLines, scratch, startCli, waitFor, type CliRun } from './testing/harness.js';
import { ADDRS, cannotRun, onHost, twoHosts } from './testing/two-hosts.js';

const TRAIN = fileURLToPath(new URL('../../trainer/bin/rwp-train.js', import.meta.url));
// Collective's test helper, from its test build (dist/ ships no test helper).
const INTRUDER = fileURLToPath(new URL('../test-dist/testing/intruder.js', import.meta.resolve('@rwp/collective')));
const CONFIG = `seed: 3
model:
  arch: cnn
data:
  dataset: synthetic
  image_size: 12
  batch_size: 16
  limit_train: 192
  limit_test: 32
method:
  name: rwp
train:
  epochs: 6
  log_every: 1000
`;
const LONG = { timeout: 600_000 };

interface Setup {
  dir: string;
  config: string;
  runDir: string;
}

function setup(t: TestContext): Setup {
  const { dir, runDir } = scratch(t);
  const config = join(dir, 'train.yaml');
  writeFileSync(config, CONFIG);
  return { dir, config, runDir };
}

function weights(runDir: string): Buffer {
  return readFileSync(join(runDir, 'model', 'weights.bin'));
}

async function succeeded(runs: CliRun[]): Promise<void> {
  const results = await allEnded(runs, 300_000);
  results.forEach(({ code }, node) => assert.equal(code, 0, `launcher ${node}:\n${runs[node].stdout().slice(-5000)}\n${runs[node].stderr()}`));
}

/** The run on one host (4 ranks, all links through shared memory): the weights every other run must end with. */
async function oneHost(t: TestContext, s: Setup): Promise<Buffer> {
  const runDir = join(s.runDir, 'one-host');
  await succeeded([startCli(t, ['--nproc', '4', '--run-dir', runDir, '--worker', TRAIN, s.config])]);
  return weights(runDir);
}

function bothHosts(t: TestContext, s: Setup, extra: string[] = []): CliRun[] {
  const namespaces = twoHosts(t);
  const token = join(s.dir, 'token');
  writeFileSync(token, 'training-test-token', { mode: 0o600 });
  return namespaces.map((_, node) =>
    startCli(
      t,
      [
        '--nnodes', '2', '--node-rank', String(node), '--nproc', '2', '--master-addr', ADDRS[0], '--token-file', token,
        '--data-ports', '41000-41001', '--comm-timeout', '60', '--run-dir', join(s.runDir, `node-${node}`), '--worker', TRAIN, s.config, ...extra,
      ],
      undefined,
      onHost(namespaces, node, true),
    ),
  );
}

/** The "ready" lines of the ranks of a launcher's output. */
function readyLines(run: CliRun): Record<string, unknown>[] {
  return jsonLines(run.stdout()).filter((l) => typeof l.msg === 'string' && /^rank \d of 4 ready/.test(l.msg));
}

test('two hosts x 2 ranks: shared memory within each host, tcp between, the same weights as on one host', { ...LONG, skip: cannotRun() }, async (t) => {
  const s = setup(t);
  const reference = await oneHost(t, s);
  const runs = bothHosts(t, s);
  await succeeded(runs);
  for (const run of runs) {
    for (const l of readyLines(run)) assert.equal(l.allreduce, 'shared memory on 2 of 4 links, sockets on the others', JSON.stringify(l));
  }
  assert.ok(weights(join(s.runDir, 'node-0')).equals(reference), 'the weights differ from the run on one host');
});

test('strangers with a wrong token and with none are refused at the rendezvous and a data port, and the run is unharmed', { ...LONG, skip: cannotRun() }, async (t) => {
  const s = setup(t);
  const reference = await oneHost(t, s);
  const runs = bothHosts(t, s);
  await waitFor('the ranks to be ready', () => readyLines(runs[0]).length === 2 && readyLines(runs[1]).length === 2, 300_000);
  const start = jsonLines(runs[0].stdout()).find((l) => l.rank === 'launcher' && typeof l.runId === 'string')!;
  const intruders = ([{ RWP_JOB_TOKEN: 'not-the-token' }, {}] as Record<string, string>[]).map((token) => {
    const child = spawn(...intruderCommand(runs, String(start.runId), token));
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    return new Promise<string>((resolve) => child.on('close', () => resolve(out)));
  });
  const said = (await Promise.all(intruders)).map((out) => out.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { event: string; message?: string }));
  assert.match(said[0][0].message ?? '', /did not prove this job token/, JSON.stringify(said[0]));
  assert.match(said[1][0].message ?? '', /rank 0 refused this process: it sent a control message without proving the job token/, JSON.stringify(said[1]));
  for (const s1 of said) assert.equal(s1[1].event, 'data port closed');
  await succeeded(runs);
  const node0 = runs[0].stdout();
  assert.match(node0, /rendezvous at 10\.123\.0\.1:\d+ refused a connection from 10\.123\.0\.2: it does not hold the job token/);
  assert.match(node0, /rendezvous at 10\.123\.0\.1:\d+ refused a connection from 10\.123\.0\.2: it sent a control message without proving the job token/);
  assert.match(node0, /ring listener of rank 0: turned away a connection from 10\.123\.0\.2:\d+: it does not hold the job token/);
  assert.match(node0, /ring listener of rank 0: turned away a connection from 10\.123\.0\.2:\d+: it sent no job-token challenge/);
  assert.ok(weights(join(s.runDir, 'node-0')).equals(reference), 'the weights differ from the clean run');
});

/** An intruder on host 1 (its namespace only: a process there, not a rank). */
function intruderCommand(runs: CliRun[], runId: string, token: Record<string, string>): [string, string[], { env: NodeJS.ProcessEnv; stdio: ['ignore', 'pipe', 'inherit'] }] {
  const ns = readNamespace(runs[1]);
  const env = { PATH: process.env.PATH, MASTER_ADDR: ADDRS[0], MASTER_PORT: '29500', WORLD_SIZE: '4', RWP_RUN_ID: runId, RWP_TEST_TARGET: `tcp://${ADDRS[0]}:41000`, RWP_TEST_SENDER: '1', ...token };
  return ['ip', ['netns', 'exec', ns, process.execPath, INTRUDER], { env, stdio: ['ignore', 'pipe', 'inherit'] }];
}

function readNamespace(run: CliRun): string {
  return run.child.spawnargs[3];
}

test('a rank killed on host 1: both hosts restart together and end with the weights of an uninterrupted run', { ...LONG, skip: cannotRun() }, async (t) => {
  const s = setup(t);
  const reference = await oneHost(t, s);
  const runs = bothHosts(t, s, ['--max-restarts', '1']);
  await waitFor('the first checkpoint', () => existsSync(join(s.runDir, 'node-0', 'checkpoint.bin')), 300_000);
  const started = jsonLines(runs[1].stdout()).find((l) => l.rank === 'launcher' && typeof l.pids === 'object')!;
  process.kill((started.pids as Record<string, number>)['3'], 'SIGKILL');
  await succeeded(runs);
  for (const run of runs) {
    assert.ok(jsonLines(run.stdout()).some((l) => l.rank === 'launcher' && l.msg === 'restarting the group with --resume (restart 1 of 1)'), run.stdout().slice(-3000));
  }
  assert.match(runs[0].stdout(), /stopping the group on every node: rank 3 on node 1 was killed by SIGKILL/);
  assert.ok(jsonLines(runs[0].stdout()).some((l) => l.rank === 0 && /^resumed from step [1-9]/.test(String(l.msg))), 'rank 0 resumed from a checkpoint');
  assert.ok(weights(join(s.runDir, 'node-0')).equals(reference), 'the weights differ from the uninterrupted run');
});
