// bench:allreduce end to end: real ranks, both data paths on one host, tcp, two simulated hosts,
// the mpi backend under mpirun, and bad flags.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { mpiMissing } from '@rwp/mpi';
import type { AllreduceResult } from './allreduce-args.js';

const BENCH = fileURLToPath(new URL('./allreduce.js', import.meta.url));

function cannotRunMpi(): string | undefined {
  if (spawnSync('mpirun', ['--version']).status !== 0) return 'mpirun not installed (apt-get install openmpi-bin libopenmpi-dev)';
  return mpiMissing() || undefined;
}

function bench(args: string[]): AllreduceResult[] {
  const r = spawnSync(process.execPath, [BENCH, '--sizes', '4K,1M', '--iters', '3', '--json', ...args], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as AllreduceResult);
}

test('--json: one checked result per size, with the data path each run took', () => {
  for (const [args, transport, shm] of [
    [['--nproc', '3'], 'ipc', true],
    [['--nproc', '3', '--no-shm'], 'ipc', false],
    [['--nproc', '2', '--transport', 'tcp'], 'tcp', false],
  ] as const) {
    const rows = bench([...args]);
    assert.deepEqual(rows.map((r) => r.size_bytes), [4096, 1 << 20]);
    for (const r of rows) {
      assert.equal(r.transport, transport);
      assert.equal(r.shared_memory, shm, `${args.join(' ')}: data path`);
      assert.equal(r.iters, 3);
      assert.ok(r.time_us > 0 && r.cpu_us_per_rank > 0);
      assert.ok(Math.abs(r.algbw_gbps - r.size_bytes / r.time_us / 1e3) <= 0.002, 'algbw = bytes / time');
      assert.ok(Math.abs(r.busbw_gbps - (r.algbw_gbps * 2 * (r.nproc - 1)) / r.nproc) <= 0.002, 'busbw = algbw 2(N-1)/N');
    }
  }
});

test('--hosts 2: shared memory within each simulated host, sockets between them', { skip: process.getuid?.() === 0 ? undefined : 'needs root' }, () => {
  for (const [args, links] of [
    [['--transport', 'ipc'], 2],
    [['--transport', 'tcp'], 0],
  ] as const) {
    for (const r of bench(['--nproc', '4', '--hosts', '2', ...args])) {
      assert.equal(r.hosts, 2);
      assert.equal(r.shared_memory_links, links, `${args.join(' ')}: links through shared memory`);
    }
  }
});

test('--backend mpi: mpirun starts the ranks, MPI_Allreduce gives the checked sums, on one host and across the two simulated hosts', { skip: cannotRunMpi() }, () => {
  for (const hosts of process.getuid?.() === 0 ? ['1', '2'] : ['1']) {
    const rows = bench(['--backend', 'mpi', '--nproc', '2', '--hosts', hosts]);
    assert.deepEqual(rows.map((r) => r.size_bytes), [4096, 1 << 20]);
    for (const r of rows) {
      assert.equal(r.backend, 'mpi');
      assert.equal(r.nproc, 2);
      assert.equal(r.hosts, Number(hosts));
      assert.equal(r.shared_memory_links, 0, 'the ring moves no data');
    }
  }
});

test('an unknown --backend is refused, naming the known ones', () => {
  const r = spawnSync(process.execPath, [BENCH, '--backend', 'nccl'], { encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /--backend must be ring or mpi, got "nccl"/);
});

test('a size that is not whole float32s is refused, naming it', () => {
  const r = spawnSync(process.execPath, [BENCH, '--sizes', '4K,6'], { encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /bad size "6": must be a positive multiple of 4 bytes/);
});
