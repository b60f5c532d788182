// Dead, stalled, foreign and misbehaving peers: every surviving rank gets a CollectiveError that
// names the operation and the peer, and exits, instead of hanging.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeRunRegions, shmPrefixFor } from '@rwp/shm';
import type { FlightDump } from './group/flight-recorder.js';
import { Group, ROGUE, type Proc } from './testing/group.js';
import { ROGUE_TARGET_LENGTH } from './testing/data.js';

interface ErrorEvent {
  op: string;
  rank: number;
  peer: number | null;
  message: string;
}

/** The process exits with the worker's CollectiveError code and printed the error. */
async function failedWith(p: Proc, rank: number): Promise<ErrorEvent> {
  const exit = await p.exit;
  const e = p.event('error') as unknown as ErrorEvent | undefined;
  assert.ok(e !== undefined, `rank ${rank} printed no CollectiveError (exit ${JSON.stringify(exit)}); stderr:\n${p.stderr}`);
  assert.equal(exit.code, 3, `rank ${rank} exit`);
  assert.equal(e.rank, rank);
  return e;
}

function flightOf(dir: string, rank: number): FlightDump {
  return JSON.parse(readFileSync(join(dir, `flight-rank-${rank}.json`), 'utf8')) as FlightDump;
}

/** Each flight record as "#seq op", with " pending" for one that never completed. */
const opsOf = (d: FlightDump) => d.records.map((r) => `#${r.seq} ${r.op}${r.pending ? ' pending' : ''}`);

async function killMidAllreduce(worldSize: number, victim: number, transport: 'ipc' | 'tcp'): Promise<void> {
  const logDir = mkdtempSync(join(tmpdir(), 'rwp-flight-'));
  const group = await Group.start({ worldSize, scenario: 'loop', transport, env: { RWP_TEST_LOOP_LENGTH: String(1 << 20), RWP_TEST_LOG_DIR: logDir } });
  try {
    await Promise.all([...group.procs.values()].map((p) => p.waitFor('looping')));
    group.proc(victim).kill('SIGKILL');
    for (let r = 0; r < worldSize; r++) {
      if (r === victim) continue;
      const e = await failedWith(group.proc(r), r);
      assert.equal(e.op, 'allreduce', e.message);
      assert.equal(e.peer, victim, e.message);
      assert.match(e.message, new RegExp(`allreduce failed: lost connection to rank ${victim}`));
      // Every survivor wrote its flight records: the allreduce the death interrupted is pending.
      const d = flightOf(logDir, r);
      assert.equal(d.fault.peer, victim);
      assert.deepEqual([d.records.at(-1)!.op, d.records.at(-1)!.pending], ['allreduce', true]);
    }
    if (transport === 'ipc') {
      // The survivors removed their shared memory; only the killed rank's is left, for the launcher.
      const prefix = `${shmPrefixFor(group.runId, group.port)}-`;
      const left = readdirSync('/dev/shm').filter((f) => f.startsWith(prefix));
      assert.deepEqual(left, [`${prefix}${victim}-${1 << 20}`]);
      assert.equal(removeRunRegions(group.runId, group.port), 1);
    }
  } finally {
    await group.stop();
    rmSync(logDir, { recursive: true, force: true });
  }
}

test('a rank killed mid-allreduce fails every other rank, naming it; each writes its flight records (4 ranks, ipc, middle rank)', { timeout: 120_000 }, () =>
  killMidAllreduce(4, 2, 'ipc'),
);

test('rank 0 killed mid-allreduce fails every other rank, naming it (3 ranks, tcp)', { timeout: 120_000 }, () => killMidAllreduce(3, 0, 'tcp'));

test('a stopped (stalled) rank is named by every other rank, though only one of them waits on it; each writes its flight records', { timeout: 120_000 }, async () => {
  // 4 ranks: rank 2 waits on the stopped rank 1, rank 3 on rank 2, rank 0 on rank 3; all starve.
  const logDir = mkdtempSync(join(tmpdir(), 'rwp-flight-'));
  const group = await Group.start({ worldSize: 4, scenario: 'loop', timeoutMs: 3000, env: { RWP_TEST_LOG_DIR: logDir } });
  try {
    await Promise.all([...group.procs.values()].map((p) => p.waitFor('looping')));
    group.proc(1).kill('SIGSTOP');
    for (const r of [0, 2, 3]) {
      const e = await failedWith(group.proc(r), r);
      assert.equal(e.op, 'allreduce', e.message);
      assert.equal(e.peer, 1, e.message);
      assert.match(e.message, /timed out after 3000 ms waiting for rank 1 /);
      // Every survivor wrote what it was doing: the allreduce it never finished, after those it did.
      const d = flightOf(logDir, r);
      assert.equal(d.fault.peer, 1);
      const last = d.records.at(-1)!;
      assert.deepEqual([last.op, last.pending, last.bytes], ['allreduce', true, 4 << 20]);
      assert.ok(d.records.length >= 3 && !d.records.at(-2)!.pending, JSON.stringify(d.records));
    }
  } finally {
    group.proc(1).kill('SIGCONT');
    await group.stop();
    rmSync(logDir, { recursive: true, force: true });
  }
});

test('a rank that never joins a collective: every rank writes flight records naming the op, and the error says it is 1 behind', { timeout: 120_000 }, async () => {
  // 3 ranks; rank 1 sleeps instead of joining op #4, so it never sends a frame of it.
  const logDir = mkdtempSync(join(tmpdir(), 'rwp-flight-'));
  const group = await Group.start({
    worldSize: 3,
    scenario: 'stall',
    timeoutMs: 3000,
    env: { RWP_TEST_STALL_RANK: '1', RWP_TEST_STALL_MS: '8000', RWP_TEST_LOG_DIR: logDir },
  });
  try {
    for (const r of [0, 1, 2]) {
      const e = await failedWith(group.proc(r), r);
      assert.equal(e.op, 'allreduce', e.message);
      assert.equal(e.peer, 1, e.message);
      assert.match(e.message, /; rank 1 is 1 collective behind: its last frames were of op #3, the others wait in op #4/);
    }
    for (const r of [0, 2]) {
      const d = flightOf(logDir, r);
      assert.deepEqual([d.rank, d.world_size, d.run_id], [r, 3, group.runId]);
      assert.deepEqual(opsOf(d), ['#0 rendezvous', '#1 allreduce', '#2 allreduce', '#3 allreduce', '#4 allreduce pending']);
      const last = d.records.at(-1)!;
      assert.deepEqual([last.bytes, last.end, last.peers], [4096, null, [(r + 2) % 3, (r + 1) % 3]]);
      assert.ok(Date.parse(last.start) >= Date.parse(d.records.at(-2)!.end!));
      assert.match(d.fault.detail, /rank 1 is 1 collective behind/);
    }
    // The stalled rank heard the verdict while it slept: its records end with op #3, the last it joined.
    const stalled = flightOf(logDir, 1);
    assert.deepEqual(opsOf(stalled), ['#0 rendezvous', '#1 allreduce', '#2 allreduce', '#3 allreduce']);
    assert.match(stalled.fault.detail, /rank 1 is 1 collective behind/);
  } finally {
    await group.stop();
    rmSync(logDir, { recursive: true, force: true });
  }
});

test('a process of another run is refused on both sides; the real rank then joins', { timeout: 120_000 }, async () => {
  const group = await Group.start({ worldSize: 2, scenario: 'barrier', ranks: [0] });
  try {
    const stale = group.spawnRank(1, { RWP_RUN_ID: 'an-earlier-run' });
    const e = await failedWith(stale, 1);
    assert.equal(e.op, 'rendezvous');
    assert.equal(e.peer, 0);
    assert.match(e.message, new RegExp(`serves run "${group.runId}" but this process belongs to run "an-earlier-run"`));
    assert.match(group.proc(0).stderr, new RegExp(`refused rank 1 .*belongs to run "an-earlier-run" but this group is run "${group.runId}"`));
    const real = group.spawnRank(1);
    assert.deepEqual(await real.exit, { code: 0, signal: null }, real.stderr);
    assert.deepEqual(await group.proc(0).exit, { code: 0, signal: null }, group.proc(0).stderr);
  } finally {
    await group.stop();
  }
});

const ROGUE_FRAMES: Array<[string, RegExp]> = [
  ['seq', /frame for op #7 \(allreduce\(sum\)\), expected op #1/],
  ['run', /frame from another run/],
  ['kind', /op #1 is allreduce\(mean\) on rank 1 but allreduce\(sum\) here/],
  ['offset', /out-of-place frame: step 0, elements \[400, \+500\); expected step 0, elements \[500, \+500\)/],
  ['count', /out-of-place frame: step 0, elements \[500, \+499\); expected step 0, elements \[500, \+500\)/],
  ['garbage', /not an rwp frame: starts with 0x474554202f204854/],
];

for (const [mode, message] of ROGUE_FRAMES) {
  test(`a foreign or malformed frame is an error, never summed (${mode})`, { timeout: 120_000 }, async () => {
    const group = await Group.start({
      worldSize: 2,
      scenario: 'allreduce',
      ranks: [0],
      env: { RWP_TEST_LENGTHS: String(ROGUE_TARGET_LENGTH), RWP_TEST_OUT: '/nonexistent' },
    });
    try {
      const rogue = group.spawnRank(1, { RWP_TEST_ROGUE: mode }, ROGUE);
      const e = await failedWith(group.proc(0), 0);
      assert.equal(e.op, 'allreduce', e.message);
      assert.equal(e.peer, 1, e.message);
      assert.match(e.message, /bad frame from rank 1/);
      assert.match(e.message, message);
      // Rank 0 tells the group it gave up.
      const aborted = await rogue.waitFor('aborted');
      assert.equal(aborted.peer, 1);
    } finally {
      await group.stop();
    }
  });
}

test('ranks calling different collectives fail, naming both calls', { timeout: 120_000 }, async () => {
  const group = await Group.start({ worldSize: 3, scenario: 'mismatch' });
  try {
    for (let r = 0; r < 3; r++) {
      const e = await failedWith(group.proc(r), r);
      assert.match(e.message, /op #1: rank \d called (barrier|allgather) but rank \d called (barrier|allgather)/);
    }
  } finally {
    await group.stop();
  }
});
