// A stalled rank of a training run: the survivor's error says how far behind it was, and every
// rank writes what it was doing to RUN_DIR/logs/flight-rank-R.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@rwp/process-group';
import { SMOKE_CONFIG, TRAIN_CLI } from './testing/cli-runs.js';

interface FlightRecord {
  seq: number;
  op: string;
  bytes: number | null;
  pending: boolean;
}

test('a stopped rank: the other rank fails naming it and how far behind it is; both write their flight records', { timeout: 300_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rwp-flight-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const args = [TRAIN_CLI, SMOKE_CONFIG, '--run-dir', dir, '--set', 'threads=1', '--set', 'data.limit_train=256', '--set', 'data.limit_test=64',
    '--set', 'data.batch_size=16', '--set', 'train.max_steps=null', '--set', 'train.epochs=100', '--set', 'dist.timeout_s=3', '--set', 'train.log_every=1'];
  const ranks = [0, 1].map((rank) => {
    const env = { ...process.env, RANK: String(rank), WORLD_SIZE: '2', LOCAL_RANK: String(rank), LOCAL_WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), RWP_RUN_ID: `flight-${port}` };
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    // Mid-epoch, where the ranks run only ring collectives (allreduce, broadcast).
    const midEpoch = new Promise<void>((resolve) => {
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('"msg":"step 12:')) resolve();
      });
    });
    child.stderr.on('data', (d) => (out += d));
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    return { child, exit, midEpoch, out: () => out };
  });
  t.after(() => {
    for (const r of ranks) r.child.kill('SIGKILL');
  });
  await ranks[0].midEpoch;
  ranks[1].child.kill('SIGSTOP');
  const code0 = await ranks[0].exit;
  ranks[1].child.kill('SIGCONT');
  const code1 = await ranks[1].exit;
  assert.notEqual(code0, 0);
  assert.notEqual(code1, 0);
  const out = ranks[0].out();
  // Stopped while computing, it never joined the next collective; stopped inside one, it stopped sending.
  assert.match(out, /failed: timed out after 3000 ms waiting for rank 1 .*; rank 1 is (1 collective behind: its last frames were of op #\d+, the others wait in op #\d+|in op #\d+ like the others but stopped sending)/);

  const records = (rank: number) => (JSON.parse(readFileSync(join(dir, 'logs', `flight-rank-${rank}.json`), 'utf8')) as { records: FlightRecord[] }).records;
  const r0 = records(0);
  const last = r0.at(-1)!;
  assert.equal(last.pending, true);
  assert.ok(['allreduce', 'broadcast'].includes(last.op) && last.bytes! > 0, JSON.stringify(last));
  assert.ok(r0.slice(0, -1).every((r) => !r.pending));
  // Rank 1 heard of the failure once it ran again; its own records end at or before rank 0's.
  const r1 = records(1);
  assert.ok(r1.at(-1)!.seq <= last.seq, JSON.stringify(r1.at(-1)));
});
