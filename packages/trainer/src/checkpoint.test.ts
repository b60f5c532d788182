import { spawn, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeV1 } from './testing/checkpoint-v1.js';
import { sweepDeadWritersTemps } from './durable-write.js';
import { checkpointPath, CheckpointError, readCheckpointFile, readNewestCheckpoint, writeCheckpoint, type Checkpoint, type CheckpointMeta } from './checkpoint.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'rwp-ckpt-'));
const FIXTURE_V1 = new URL('../fixtures/checkpoint-v1.bin', import.meta.url);

function ckptAt(step: number): Checkpoint {
  const meta: CheckpointMeta = { pass: step, stepInPass: 0, step, seed: 1, config: { seed: 1 }, configHash: 'h', wallSeconds: step, bestTestAcc: null, partial: {} };
  const weights = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i + step));
  return { meta, arrays: { weights, momentum: weights.map((w) => w / 2), buffers: Float32Array.from([step, 1]), fisher: new Float32Array(3) } };
}

/** Flips one bit of the byte at `offsetFromEnd` bytes before the end of the file. */
function flipByte(path: string, offsetFromEnd: number): void {
  const b = readFileSync(path);
  b[b.length - offsetFromEnd] ^= 0x10;
  writeFileSync(path, b);
}

test('a checkpoint reads back with every array, its checksums verified', () => {
  const dir = tmp();
  const c = ckptAt(5);
  writeCheckpoint(dir, c, 2);
  const r = readCheckpointFile(checkpointPath(dir));
  assert.equal(r.verified, true);
  assert.deepEqual(r.meta, c.meta);
  for (const name of Object.keys(c.arrays)) assert.deepEqual(r.arrays[name], c.arrays[name], name);
  assert.deepEqual(readdirSync(dir), ['checkpoint.bin'], 'no temporary file is left');
});

test('a flipped byte is an error naming the file and the array; a flip in the header names the header', () => {
  const dir = tmp();
  writeCheckpoint(dir, ckptAt(1), 2);
  const path = checkpointPath(dir);
  const clean = readFileSync(path);
  // The arrays are laid out in order: weights, momentum, buffers (2 floats), fisher (3 floats).
  flipByte(path, 4 * 3 + 4 * 2 + 4 * 1000 - 17);
  assert.throws(() => readCheckpointFile(path), (e: Error) => e instanceof CheckpointError && e.message.includes(path) && /array momentum fails its checksum/.test(e.message));
  writeFileSync(path, clean);
  const b = readFileSync(path);
  b[40] ^= 0x01;
  writeFileSync(path, b);
  assert.throws(() => readCheckpointFile(path), new RegExp(`${path}: the header fails its checksum`));
});

test('a truncated checkpoint is an error naming the file', () => {
  const dir = tmp();
  writeCheckpoint(dir, ckptAt(1), 2);
  const path = checkpointPath(dir);
  truncateSync(path, statSync(path).size - 100);
  assert.throws(() => readCheckpointFile(path), new RegExp(`${path} is truncated or padded`));
  truncateSync(path, 10);
  assert.throws(() => readCheckpointFile(path), new RegExp(`${path} is truncated`));
});

test('the newest K checkpoints are kept, newest first', () => {
  const dir = tmp();
  for (let step = 1; step <= 4; step++) writeCheckpoint(dir, ckptAt(step), 3);
  assert.deepEqual(readdirSync(dir).sort(), ['checkpoint.1.bin', 'checkpoint.2.bin', 'checkpoint.bin']);
  assert.deepEqual([0, 1, 2].map((i) => readCheckpointFile(checkpointPath(dir, i)).meta.step), [4, 3, 2]);
  // A lower K on a later run drops the older ones at its next write.
  writeCheckpoint(dir, ckptAt(5), 1);
  assert.deepEqual(readdirSync(dir), ['checkpoint.bin']);
  assert.equal(readCheckpointFile(checkpointPath(dir)).meta.step, 5);
});

test('a resume skips a corrupt newest checkpoint, says why, and moves it aside', () => {
  const dir = tmp();
  for (let step = 1; step <= 2; step++) writeCheckpoint(dir, ckptAt(step), 2);
  flipByte(checkpointPath(dir), 5);
  const r = readNewestCheckpoint(dir);
  assert.ok(r);
  assert.equal(r.checkpoint.meta.step, 1);
  assert.equal(r.path, checkpointPath(dir, 1));
  assert.equal(r.skipped.length, 1);
  assert.equal(r.skipped[0].path, checkpointPath(dir));
  assert.match(r.skipped[0].reason, /array fisher fails its checksum/);
  assert.ok(existsSync(`${checkpointPath(dir)}.invalid`), 'the corrupt file is kept aside');
  assert.ok(!existsSync(checkpointPath(dir)));
  // The next write takes the free place; the good older one stays.
  writeCheckpoint(dir, ckptAt(2), 2);
  assert.deepEqual([0, 1].map((i) => readCheckpointFile(checkpointPath(dir, i)).meta.step), [2, 1]);
});

test('with every checkpoint corrupt (K=1) a resume is refused, naming the file; nothing is moved', () => {
  const dir = tmp();
  writeCheckpoint(dir, ckptAt(1), 1);
  const path = checkpointPath(dir);
  truncateSync(path, statSync(path).size - 1);
  assert.throws(() => readNewestCheckpoint(dir), (e: Error) => e instanceof CheckpointError && e.message.startsWith(`no intact checkpoint in ${dir}: ${path} is truncated`));
  assert.ok(existsSync(path));
  assert.equal(readNewestCheckpoint(tmp()), null, 'no checkpoint at all is not an error');
});

test('a checkpoint in the format before checksums (RWPCKPT1) still loads, unverified', () => {
  const dir = tmp();
  copyFileSync(FIXTURE_V1, checkpointPath(dir));
  const r = readNewestCheckpoint(dir);
  assert.ok(r);
  assert.equal(r.verified, false);
  assert.deepEqual(r.checkpoint.meta, { pass: 1, stepInPass: 2, step: 10, seed: 7, config: { seed: 7 }, configHash: 'abc123', wallSeconds: 1.5, bestTestAcc: 0.25, partial: { loss: 3, steps: 2 } });
  assert.deepEqual(r.checkpoint.arrays.weights, Float32Array.from([1, -2, 3.5, 0.125, 1e-8]));
  assert.deepEqual(r.checkpoint.arrays.momentum, Float32Array.from([0.5, 0, -0.25, 2, 3]));
  assert.deepEqual(r.checkpoint.arrays.buffers, Float32Array.from([9, 8]));
  assert.deepEqual(r.checkpoint.arrays.fisher, Float32Array.from([0.001]));
  // The test helper that writes this format for the slow tests writes these very bytes.
  assert.deepEqual(encodeV1(r.checkpoint), readFileSync(FIXTURE_V1));
  // Cut short, it is refused by name as before.
  truncateSync(checkpointPath(dir), statSync(checkpointPath(dir)).size - 4);
  assert.throws(() => readCheckpointFile(checkpointPath(dir)), /is truncated or padded/);
});

test('temporary files of dead writers are swept; those of live writers, this process and other names stay', async (t) => {
  const dir = tmp();
  const live = spawn('sleep', ['60']);
  t.after(() => live.kill('SIGKILL'));
  const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
  const names = { dead: `checkpoint.bin.tmp-${deadPid}`, live: `checkpoint.bin.tmp-${live.pid}`, own: `summary.json.tmp-${process.pid}`, other: 'notes.tmp-x' };
  for (const n of Object.values(names)) writeFileSync(join(dir, n), 'abc');
  const swept = sweepDeadWritersTemps(dir);
  assert.deepEqual(swept, { files: [join(dir, names.dead)], bytes: 3 });
  assert.deepEqual(readdirSync(dir).sort(), [names.live, names.other, names.own].sort());
  assert.deepEqual(sweepDeadWritersTemps(join(dir, 'missing')), { files: [], bytes: 0 });
});
