// Dead, stalled, foreign and misbehaving peers: every surviving rank gets a CollectiveError that
// names the operation and the peer, and exits, instead of hanging.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { removeRunRegions, shmPrefixFor } from '@rwp/shm';
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

async function killMidAllreduce(worldSize: number, victim: number, transport: 'ipc' | 'tcp'): Promise<void> {
  const group = await Group.start({ worldSize, scenario: 'loop', transport, env: { RWP_TEST_LOOP_LENGTH: String(1 << 20) } });
  try {
    await Promise.all([...group.procs.values()].map((p) => p.waitFor('looping')));
    group.proc(victim).kill('SIGKILL');
    for (let r = 0; r < worldSize; r++) {
      if (r === victim) continue;
      const e = await failedWith(group.proc(r), r);
      assert.equal(e.op, 'allreduce', e.message);
      assert.equal(e.peer, victim, e.message);
      assert.match(e.message, new RegExp(`allreduce failed: lost connection to rank ${victim}`));
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
  }
}

test('a rank killed mid-allreduce fails every other rank, naming it (4 ranks, ipc, middle rank)', { timeout: 120_000 }, () =>
  killMidAllreduce(4, 2, 'ipc'),
);

test('rank 0 killed mid-allreduce fails every other rank, naming it (3 ranks, tcp)', { timeout: 120_000 }, () => killMidAllreduce(3, 0, 'tcp'));

test('a stopped (stalled) rank is named by every other rank, though only one of them waits on it', { timeout: 120_000 }, async () => {
  // 4 ranks: rank 2 waits on the stopped rank 1, rank 3 on rank 2, rank 0 on rank 3; all starve.
  const group = await Group.start({ worldSize: 4, scenario: 'loop', timeoutMs: 3000 });
  try {
    await Promise.all([...group.procs.values()].map((p) => p.waitFor('looping')));
    group.proc(1).kill('SIGSTOP');
    for (const r of [0, 2, 3]) {
      const e = await failedWith(group.proc(r), r);
      assert.equal(e.op, 'allreduce', e.message);
      assert.equal(e.peer, 1, e.message);
      assert.match(e.message, /timed out after 3000 ms waiting for rank 1 /);
    }
  } finally {
    group.proc(1).kill('SIGCONT');
    await group.stop();
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
