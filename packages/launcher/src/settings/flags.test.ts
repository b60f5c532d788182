import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import { addFlags } from './command-line.js';
import { FLAGS, flagsWorkerEnv, withDefaults } from './flags.js';

function parse(argv: string[]): ReturnType<ReturnType<typeof addFlags>> {
  const program = new Command('t').argument('<config>').exitOverride().configureOutput({ writeErr: () => {} });
  const flags = addFlags(program);
  program.parse(argv, { from: 'user' });
  return flags();
}

test('the command line gives each flag under its key in FLAGS, defaults included', () => {
  const values = parse(['--nproc', '2', '--comm-timeout', '1.5', '--set', 'a=1', '--set', 'b=2', '--resume', '--transport', 'tcp', 'c.yaml']);
  assert.deepEqual(values, { nproc: 2, nnodes: 1, nodeRank: 0, maxRestarts: 0, threads: 1, gpus: 'auto', transport: 'tcp', commTimeoutSeconds: 1.5, sets: ['a=1', 'b=2'], resume: true });
  // launch() called without the command line gets the same defaults.
  assert.deepEqual(withDefaults({ nproc: 2 }), parse(['--nproc', '2', 'c.yaml']));
});

test('every flag is on the command line, and a bad value or choice is refused there', () => {
  const program = new Command('t').argument('<config>');
  addFlags(program);
  const help = program.helpInformation();
  for (const f of Object.values(FLAGS)) assert.ok(help.includes(f.flag), f.flag);
  assert.throws(() => parse(['--nproc', '0', 'c.yaml']), /--nproc/);
  assert.throws(() => parse(['--nproc', '1', '--transport', 'udp', 'c.yaml']), /Allowed choices are ipc, tcp/);
  assert.throws(() => parse(['c.yaml']), /required option '--nproc <n>' not specified/);
});

test("the flags' variables in the workers' environment", () => {
  assert.deepEqual(flagsWorkerEnv(withDefaults({ nproc: 1 })), { RWP_TRANSPORT: 'ipc', RWP_THREADS: '1', OMP_NUM_THREADS: '1' });
  assert.deepEqual(flagsWorkerEnv({ nproc: 1, transport: 'tcp', threads: 4, commTimeoutSeconds: 0.0004, dataPorts: ' 40000 - 40003 ' }), {
    RWP_DATA_PORTS: '40000-40003',
    RWP_TRANSPORT: 'tcp',
    RWP_COMM_TIMEOUT_MS: '1',
    RWP_THREADS: '4',
    OMP_NUM_THREADS: '4',
  });
});
