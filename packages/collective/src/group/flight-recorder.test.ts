import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FlightRecorder, writeFlightRecords, type FlightDump } from './flight-recorder.js';

test('the flight recorder keeps the last N ops, oldest first, the unfinished one pending', () => {
  const f = new FlightRecorder(3);
  assert.deepEqual(f.entries(), []);
  for (let seq = 1; seq <= 4; seq++) f.end(f.begin(seq, 'allreduce', 4 * seq, [0, 2]));
  f.begin(5, 'barrier', null, [1, 2]);
  const e = f.entries();
  assert.deepEqual(e.map((r) => [r.seq, r.op, r.bytes, r.pending, r.peers]), [
    [3, 'allreduce', 12, false, [0, 2]],
    [4, 'allreduce', 16, false, [0, 2]],
    [5, 'barrier', null, true, [1, 2]],
  ]);
  assert.equal(e[2].end, null);
  assert.ok(Date.parse(e[0].start) <= Date.parse(e[0].end!));
});

test('flight records go to DIR/flight-rank-R.json with the fault, the directory made if missing', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rwp-flight-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const f = new FlightRecorder();
  f.begin(7, 'broadcast', 40, [1, 1]);
  const path = writeFlightRecords(join(dir, 'logs'), { rank: 0, worldSize: 2, runId: 'r1' }, { peer: 1, detail: 'timed out', origin: 0 }, f.entries());
  assert.equal(path, join(dir, 'logs', 'flight-rank-0.json'));
  const d = JSON.parse(readFileSync(path, 'utf8')) as FlightDump;
  assert.deepEqual([d.rank, d.world_size, d.run_id, d.fault], [0, 2, 'r1', { peer: 1, detail: 'timed out', detected_by: 0 }]);
  assert.deepEqual(d.records.map((r) => [r.seq, r.op, r.pending]), [[7, 'broadcast', true]]);
});
