import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixture, PROCESSES, runCli, scratch } from './testing/harness.js';

const FLAGS = [
  '--nproc', '--nnodes', '--node-rank', '--master-addr', '--master-port', '--token-file', '--unauthenticated', '--data-ports', '--max-restarts', '--resume', '--run-dir', '--run-id',
  '--transport', '--comm-timeout', '--threads', '--gpus', '--worker', '--set', '--dry-run', '--help', '--version',
];

test('--help lists every flag with examples', PROCESSES, async (t) => {
  const r = await runCli(t, ['--help']);
  assert.equal(r.code, 0);
  for (const flag of FLAGS) assert.match(r.stdout, new RegExp(`${flag}\\b`), `--help mentions ${flag}`);
  assert.match(r.stdout, /--nnodes 2 --node-rank 1/);
  assert.match(r.stdout, /--max-restarts 3/);
});

test('--version prints the package version', PROCESSES, async (t) => {
  const r = await runCli(t, ['--version']);
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), pkg.version);
});

test('a bad flag or value is a usage error naming it', PROCESSES, async (t) => {
  const { config } = scratch(t);
  const unknown = await runCli(t, ['--nproc', '2', '--bogus', config]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown option '--bogus'/);
  const noConfig = await runCli(t, ['--nproc', '2']);
  assert.equal(noConfig.code, 2);
  assert.match(noConfig.stderr, /missing required argument 'config'/);
  const badCount = await runCli(t, ['--nproc', 'two', config]);
  assert.equal(badCount.code, 2);
  assert.match(badCount.stderr, /--nproc/);
  const noMaster = await runCli(t, ['--nproc', '1', '--nnodes', '2', '--node-rank', '1', config]);
  assert.equal(noMaster.code, 2);
  assert.match(noMaster.stderr, /--nnodes 2 needs --master-addr/);
  assert.doesNotMatch(noMaster.stderr, /\n\s+at /, 'no stack trace');
  const badRank = await runCli(t, ['--nproc', '1', '--nnodes', '2', '--node-rank', '2', '--master-addr', '10.0.0.1', config]);
  assert.equal(badRank.code, 2);
  assert.match(badRank.stderr, /--node-rank must be between 0 and 1/);
  const badPorts = await runCli(t, ['--nproc', '1', '--data-ports', '41000-40000', config]);
  assert.equal(badPorts.code, 2);
  assert.match(badPorts.stderr, /--data-ports: the range "41000-40000" runs backwards/);
  const fewPorts = await runCli(t, ['--nproc', '3', '--data-ports', '41000-41001', config]);
  assert.equal(fewPorts.code, 2);
  assert.match(fewPorts.stderr, /--data-ports 41000-41001 holds 2 port\(s\) but --nproc 3 ranks each listen on one/);
});

test('a missing or broken config, or a missing worker, is an error naming the file', PROCESSES, async (t) => {
  const { dir, config } = scratch(t);
  const missing = await runCli(t, ['--nproc', '1', '--worker', fixture('report-env'), `${dir}/nope.yaml`]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /config file .*nope\.yaml does not exist/);
  const broken = `${dir}/broken.yaml`;
  writeFileSync(broken, 'a: [1, 2\n');
  const invalid = await runCli(t, ['--nproc', '1', '--worker', fixture('report-env'), broken]);
  assert.equal(invalid.code, 2);
  assert.match(invalid.stderr, /config file .*broken\.yaml is not valid YAML/);
  const noWorker = await runCli(t, ['--nproc', '1', '--worker', `${dir}/missing-worker.js`, config]);
  assert.equal(noWorker.code, 2);
  assert.match(noWorker.stderr, /--worker .*missing-worker\.js: no such file/);
});

test('--dry-run prints each rank environment for node 1 of 2 and starts nothing', PROCESSES, async (t) => {
  const { dir, config, runDir } = scratch(t);
  const token = join(dir, 'token');
  writeFileSync(token, 'shared secret', { mode: 0o600 });
  const r = await runCli(t, [
    '--nnodes', '2', '--node-rank', '1', '--nproc', '2', '--master-addr', '10.1.2.3', '--master-port', '29511', '--token-file', token,
    '--comm-timeout', '30', '--data-ports', '40000-40001', '--threads', '2', '--gpus', '5,7', '--run-dir', runDir, '--worker', fixture('report-env'),
    '--dry-run', config, '--set', 'lr=0.1', '--set', 'name=a b',
  ]);
  const node0 = await runCli(t, [
    '--nnodes', '2', '--node-rank', '0', '--nproc', '2', '--master-addr', '10.1.2.3', '--master-port', '29511', '--token-file', token,
    '--worker', fixture('report-env'), '--dry-run', config,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const blocks = r.stdout.split(/^# rank /m).slice(1);
  assert.equal(blocks.length, 2);
  const expected = [
    { RANK: '2', LOCAL_RANK: '0', CUDA_VISIBLE_DEVICES: '5', RWP_GPU: '5' },
    { RANK: '3', LOCAL_RANK: '1', CUDA_VISIBLE_DEVICES: '7', RWP_GPU: '7' },
  ];
  blocks.forEach((block, i) => {
    const env = Object.fromEntries([...block.matchAll(/^(?:env )?\s*([A-Z_]+)=(\S*) \\$/gm)].map((m) => [m[1], m[2]]));
    assert.deepEqual(env, {
      ...expected[i],
      WORLD_SIZE: '4',
      LOCAL_WORLD_SIZE: '2',
      GROUP_RANK: '1',
      MASTER_ADDR: '10.1.2.3',
      MASTER_PORT: '29511',
      RWP_RUN_ID: env.RWP_RUN_ID,
      RWP_TRANSPORT: 'ipc',
      RWP_RESTART_COUNT: '0',
      RWP_THREADS: '2',
      OMP_NUM_THREADS: '2',
      RWP_LAUNCHED: '1',
      RWP_COMM_TIMEOUT_MS: '30000',
      RWP_DATA_PORTS: '40000-40001',
    });
    assert.match(env.RWP_RUN_ID, /^[0-9a-f]{16}$/);
    assert.ok(node0.stdout.includes(`RWP_RUN_ID=${env.RWP_RUN_ID} `), 'both nodes derive the same run id');
    assert.ok(block.includes(`${fixture('report-env')} ${config} --set lr=0.1 --set 'name=a b' --run-dir ${runDir}\n`), block);
  });
  assert.equal(existsSync(runDir), false, 'a dry run creates no run directory');
});
