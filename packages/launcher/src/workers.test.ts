import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { launch } from './index.js';
import { fixture, jsonLines, PROCESSES, runCli, scratch } from './testing/harness.js';

interface Report {
  argv: string[];
  env: Record<string, string | undefined>;
}

function report(runDir: string, rank: number): Report {
  return JSON.parse(readFileSync(join(runDir, `env-${rank}.json`), 'utf8')) as Report;
}

test('workers get their rank environment and arguments, a log file each, and piped output is JSON with rank', PROCESSES, async (t) => {
  const { config, runDir } = scratch(t);
  const r = await runCli(t, [
    '--nproc', '3', '--threads', '2', '--gpus', 'none', '--comm-timeout', '2.5', '--run-id', 'env-test',
    '--run-dir', runDir, '--worker', fixture('report-env'), config, '--set', 'a=1',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const ports = new Set<string | undefined>();
  for (const rank of [0, 1, 2]) {
    const { argv, env } = report(runDir, rank);
    assert.deepEqual(argv, [config, '--set', 'a=1', '--run-dir', runDir]);
    assert.deepEqual(
      {
        RANK: env.RANK, LOCAL_RANK: env.LOCAL_RANK, WORLD_SIZE: env.WORLD_SIZE, LOCAL_WORLD_SIZE: env.LOCAL_WORLD_SIZE,
        GROUP_RANK: env.GROUP_RANK, MASTER_ADDR: env.MASTER_ADDR, RWP_RUN_ID: env.RWP_RUN_ID, RWP_TRANSPORT: env.RWP_TRANSPORT,
        RWP_RESTART_COUNT: env.RWP_RESTART_COUNT, RWP_THREADS: env.RWP_THREADS, OMP_NUM_THREADS: env.OMP_NUM_THREADS,
        RWP_COMM_TIMEOUT_MS: env.RWP_COMM_TIMEOUT_MS, RWP_LAUNCHED: env.RWP_LAUNCHED, CUDA_VISIBLE_DEVICES: env.CUDA_VISIBLE_DEVICES,
      },
      {
        RANK: String(rank), LOCAL_RANK: String(rank), WORLD_SIZE: '3', LOCAL_WORLD_SIZE: '3', GROUP_RANK: '0',
        MASTER_ADDR: '127.0.0.1', RWP_RUN_ID: 'env-test', RWP_TRANSPORT: 'ipc', RWP_RESTART_COUNT: '0', RWP_THREADS: '2',
        OMP_NUM_THREADS: '2', RWP_COMM_TIMEOUT_MS: '2500', RWP_LAUNCHED: '1', CUDA_VISIBLE_DEVICES: '',
      },
    );
    assert.match(env.MASTER_PORT ?? '', /^\d+$/);
    ports.add(env.MASTER_PORT);

    const log = readFileSync(join(runDir, 'logs', `rank-${rank}.log`), 'utf8').split('\n');
    assert.ok(log.some((l) => l.startsWith('{') && (JSON.parse(l) as { msg: string }).msg === `hello from rank ${rank}`), log.join('\n'));
    assert.ok(log.includes(`plain stderr line from rank ${rank}`));
  }
  assert.equal(ports.size, 1, 'every rank gets the same master port');

  const lines = jsonLines(r.stdout);
  for (const rank of [0, 1, 2]) {
    assert.ok(lines.some((l) => l.rank === rank && l.msg === `hello from rank ${rank}` && l.step === 1));
    assert.ok(lines.some((l) => l.rank === rank && l.stream === 'stderr' && l.level === 40 && l.msg === `plain stderr line from rank ${rank}`));
  }
  assert.ok(lines.some((l) => l.rank === 'launcher' && l.msg === 'all 3 worker(s) finished'));
  assert.match(readFileSync(join(runDir, 'logs', 'launcher.log'), 'utf8'), /all 3 worker\(s\) finished/);
});

test('the run dir comes from --set run_dir, else the config run_dir, else runs/<config name>-<UTC time>', PROCESSES, async (t) => {
  const { dir, config } = scratch(t);
  const keyed = join(dir, 'keyed.yaml');
  writeFileSync(keyed, 'run_dir: from-config\nepochs: 1\n');
  const args = ['--nproc', '1', '--worker', fixture('report-env')];

  assert.equal((await runCli(t, [...args, keyed], dir)).code, 0);
  assert.ok(existsSync(join(dir, 'from-config', 'env-0.json')));
  assert.equal((await runCli(t, [...args, keyed, '--set', 'run_dir=from-set'], dir)).code, 0);
  assert.ok(existsSync(join(dir, 'from-set', 'env-0.json')));
  assert.deepEqual(report(join(dir, 'from-set'), 0).argv.slice(-2), ['--run-dir', join(dir, 'from-set')]);
  assert.equal((await runCli(t, [...args, config], dir)).code, 0);
  const made = readdirSync(join(dir, 'runs'));
  assert.equal(made.length, 1);
  assert.match(made[0], /^test-\d{8}T\d{6}Z$/);
  assert.ok(existsSync(join(dir, 'runs', made[0], 'env-0.json')));
});

test('readable output reads [rank R] message, without the records\' fields', PROCESSES, async (t) => {
  const { config, runDir } = scratch(t);
  const output = new PassThrough();
  let text = '';
  output.on('data', (d: Buffer) => (text += d.toString()));
  const result = await launch({ config, nproc: 2, runDir, worker: fixture('report-env'), output, pretty: true });
  assert.equal(result.exitCode, 0);
  for (const rank of [0, 1]) {
    assert.match(text, new RegExp(`INFO: \\[rank ${rank}\\] hello from rank ${rank}\\n`));
    assert.match(text, new RegExp(`\\[rank ${rank}\\] plain stderr line from rank ${rank}`));
  }
  assert.match(text, /\[launcher\] all 2 worker\(s\) finished/);
  assert.doesNotMatch(text, /step: 1/, "a record's fields stay in the log files");
});
