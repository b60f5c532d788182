// Allreduce across real processes: results against a float64 reference, bitwise equal on all ranks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkResults } from './testing/allreduce-results.js';
import { Group } from './testing/group.js';

const LENGTHS = [0, 1, 7, 1_000_003];

interface Run {
  chunkBytes?: number;
  /** RWP_SHM=0: ranks on one host move the data over unix sockets. */
  noSharedMemory?: boolean;
  /** RWP_SHM=0 on these ranks only: the links next to them use sockets, the others shared memory. */
  noSharedMemoryOn?: number[];
  /** Called with the results' directory before it is removed. */
  inspect?: (dir: string) => void;
}

async function runAllreduce(worldSize: number, transport: 'ipc' | 'tcp', lengths: number[], run: Run = {}): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rwp-allreduce-test-'));
  const env: Record<string, string> = { RWP_TEST_OUT: dir, RWP_TEST_LENGTHS: lengths.join(',') };
  if (run.chunkBytes !== undefined) env.RWP_TEST_CHUNK_BYTES = String(run.chunkBytes);
  if (run.noSharedMemory) env.RWP_SHM = '0';
  const off = new Set(run.noSharedMemoryOn ?? []);
  const group = await Group.start({ worldSize, scenario: 'allreduce', transport, env, ranks: [] });
  for (let r = 0; r < worldSize; r++) group.spawnRank(r, off.has(r) ? { RWP_SHM: '0' } : {});
  try {
    for (const [rank, exit] of await group.exits()) {
      assert.deepEqual(exit, { code: 0, signal: null }, `rank ${rank} failed:\n${group.proc(rank).stderr}${JSON.stringify(group.proc(rank).events)}`);
    }
    // On one host with ipc, a link goes through shared memory unless one of its ranks turned it off.
    const shared = worldSize > 1 && transport === 'ipc' && !run.noSharedMemory;
    const links = shared ? [...Array(worldSize).keys()].filter((r) => !off.has(r) && !off.has((r + worldSize - 1) % worldSize)).length : 0;
    for (let r = 0; r < worldSize; r++) {
      const connected = group.proc(r).events.find((e) => e.event === 'connected');
      assert.equal(connected?.sharedMemoryLinks, links, `rank ${r}'s links through shared memory`);
      assert.equal(connected?.sharedMemory, links === worldSize, `rank ${r}'s data path`);
    }
    checkResults(dir, worldSize, lengths);
    run.inspect?.(dir);
  } finally {
    await group.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const n of [1, 2, 3, 4, 5, 8]) {
  test(`allreduce sum and mean, ${n} rank(s), ipc, lengths ${LENGTHS.join(', ')}`, { timeout: 300_000 }, () => runAllreduce(n, 'ipc', LENGTHS));
}

for (const n of [2, 3, 5]) {
  test(`allreduce sum and mean, ${n} ranks, tcp, lengths ${LENGTHS.join(', ')}`, { timeout: 300_000 }, () => runAllreduce(n, 'tcp', LENGTHS));
}

test('allreduce with many small chunks (4 KiB) and with chunks of 3 floats', { timeout: 300_000 }, async () => {
  await runAllreduce(3, 'ipc', LENGTHS, { chunkBytes: 4096 });
  await runAllreduce(4, 'tcp', [0, 1, 7, 100, 1001], { chunkBytes: 12 });
});

test('shared memory and unix sockets give the same bits (4 ranks, growing and shrinking lengths)', { timeout: 300_000 }, async () => {
  const lengths = [5, 1_000_003, 3, 4096, 1_000_003];
  const results = new Map<string, Buffer>();
  await runAllreduce(4, 'ipc', lengths, { noSharedMemory: true, inspect: (dir) => readdirSync(dir).forEach((f) => results.set(f, readFileSync(join(dir, f)))) });
  await runAllreduce(4, 'ipc', lengths, {
    inspect: (dir) => {
      assert.equal(readdirSync(dir).length, results.size);
      for (const f of readdirSync(dir)) assert.ok(readFileSync(join(dir, f)).equals(results.get(f)!), `${f} differs between the two data paths`);
    },
  });
});

test('shared memory on some links and sockets on the others give the same bits (4 and 5 ranks)', { timeout: 300_000 }, async () => {
  const lengths = [5, 1_000_003, 3, 4096, 1_000_003];
  for (const [n, off] of [
    [4, [2]],
    [5, [0]],
  ] as const) {
    const results = new Map<string, Buffer>();
    await runAllreduce(n, 'ipc', lengths, { noSharedMemory: true, inspect: (dir) => readdirSync(dir).forEach((f) => results.set(f, readFileSync(join(dir, f)))) });
    await runAllreduce(n, 'ipc', lengths, {
      noSharedMemoryOn: [...off],
      inspect: (dir) => {
        for (const f of readdirSync(dir)) assert.ok(readFileSync(join(dir, f)).equals(results.get(f)!), `${n} ranks, shared memory off on rank ${off}: ${f} differs from the sockets' result`);
      },
    });
  }
});
