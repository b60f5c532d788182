import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkpointPath, readCheckpointFile } from './checkpoint.js';
import { writeV1 } from './testing/checkpoint-v1.js';
import { finalWeights, run, SMOKE_CONFIG, TRAIN_CLI } from './testing/cli-runs.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'rwp-ckpt-'));
// Synthetic 32x32x3 images, the small cnn, one thread: 16 steps in 2 passes of 8 (rwp in one process).
const SMALL = ['--set', 'threads=1', '--set', 'data.limit_train=256', '--set', 'data.limit_test=64', '--set', 'data.batch_size=16'];

let uninterrupted: Float32Array | undefined;
async function wholeRun(): Promise<Float32Array> {
  if (!uninterrupted) {
    const dir = tmp();
    const r = await run([TRAIN_CLI, SMOKE_CONFIG, '--run-dir', dir, ...SMALL, '--set', 'train.max_steps=null']);
    assert.equal(r.code, 0, r.out);
    uninterrupted = finalWeights(dir);
  }
  return uninterrupted;
}

/** A run stopped after 12 steps: checkpoint.bin at step 12, checkpoint.1.bin at step 8 (the end of the first pass). */
async function stoppedRun(keep: number): Promise<string> {
  const dir = tmp();
  const r = await run([TRAIN_CLI, SMOKE_CONFIG, '--run-dir', dir, ...SMALL, '--set', 'train.max_steps=12', '--set', `train.keep_checkpoints=${keep}`]);
  assert.equal(r.code, 0, r.out);
  assert.equal(readCheckpointFile(checkpointPath(dir)).meta.step, 12);
  return dir;
}

const resume = (dir: string) => run([TRAIN_CLI, SMOKE_CONFIG, '--run-dir', dir, ...SMALL, '--set', 'train.max_steps=null', '--resume']);

for (const damage of ['a flipped byte', 'a truncated file'] as const) {
  test(`${damage} in the newest checkpoint: the resume falls back to the one before, says so, and ends bitwise as an uninterrupted run`, async () => {
    const dir = await stoppedRun(2);
    const path = checkpointPath(dir);
    if (damage === 'a flipped byte') {
      const b = readFileSync(path);
      b[10_000] ^= 0x04; // inside the weights, which follow a header of ~1 KB
      writeFileSync(path, b);
    } else {
      truncateSync(path, statSync(path).size - 1000);
    }
    const r = await resume(dir);
    assert.equal(r.code, 0, r.out);
    const why = damage === 'a flipped byte' ? 'array weights fails its checksum' : 'is truncated or padded';
    assert.match(r.out, new RegExp(`skipped ${path} \\(${path}:? ${why}.*\\); moved it to ${path}.invalid; resuming from ${checkpointPath(dir, 1)}`));
    assert.match(r.out, /resumed from step 8 /);
    assert.ok(existsSync(`${path}.invalid`));
    assert.deepEqual(finalWeights(dir), await wholeRun(), 'the resumed run ends with the weights of the uninterrupted one');
  });
}

test('with train.keep_checkpoints=1 a corrupt checkpoint is refused by name: exit 1, one line, nothing trained', async () => {
  const dir = await stoppedRun(1);
  assert.ok(!existsSync(checkpointPath(dir, 1)), 'only one checkpoint is kept');
  const path = checkpointPath(dir);
  const b = readFileSync(path);
  b[b.length - 8] ^= 0x01;
  writeFileSync(path, b);
  const r = await resume(dir);
  assert.equal(r.code, 1, r.out);
  const errors = r.out.split('\n').filter((l) => l.includes('"level":50'));
  assert.equal(errors.length, 1, r.out);
  assert.match(errors[0], new RegExp(`no intact checkpoint in ${dir}: ${path}: array \\w+ fails its checksum`));
  assert.doesNotMatch(errors[0], /"stack"/);
  assert.doesNotMatch(r.out, /resumed from step/);
});

test('a run resumes from a checkpoint in the format before checksums, says it is unverified, and ends bitwise as an uninterrupted run', async () => {
  const dir = await stoppedRun(1);
  const path = checkpointPath(dir);
  const c = readCheckpointFile(path);
  writeV1(path, { meta: c.meta, arrays: c.arrays });
  const r = await resume(dir);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, new RegExp(`--resume: ${path} was written before checkpoints had checksums; loaded unverified`));
  assert.match(r.out, /resumed from step 12 /);
  assert.deepEqual(finalWeights(dir), await wholeRun());
});

test('a temporary checkpoint left by a writer that died mid-write is removed when the run resumes, and the log says so', async () => {
  const dir = await stoppedRun(1);
  const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
  const left = `${checkpointPath(dir)}.tmp-${deadPid}`;
  writeFileSync(left, Buffer.alloc(4096));
  const r = await resume(dir);
  assert.equal(r.code, 0, r.out);
  assert.ok(!existsSync(left), `${left} is still there`);
  assert.ok(r.out.includes(`removed 1 temporary file(s), 4.0 KiB (4096 bytes), left by a writer that died mid-write: ${left}`), r.out);
  assert.deepEqual(finalWeights(dir), await wholeRun());
});
