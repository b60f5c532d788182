import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { buildModel } from '@rwp/models';
import { checkpointPath, readCheckpointFile, type Checkpoint } from './checkpoint.js';
import { CheckpointWriter } from './checkpoint-writer.js';
import { DiskWriteError } from './durable-write.js';
import { exportLayersModel } from './export-model.js';
import { appendMetrics, type EpochMetrics } from './metrics.js';
import { mountTmpfs, tmpfsUnavailable } from './testing/tmpfs.js';

await tf.setBackend('cpu');

const MiB = 1024 * 1024;

function ckptAt(step: number, floats = 100_000): Checkpoint {
  const meta = { pass: step, stepInPass: 0, step, seed: 1, config: {}, configHash: 'h', wallSeconds: 0, bestTestAcc: null, partial: {} };
  return { meta, arrays: { weights: Float32Array.from({ length: floats }, (_, i) => i + step), momentum: new Float32Array(floats).fill(step) } };
}

test('a checkpoint holds the state as it was when save() returned, however the arrays change after', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rwp-writer-'));
  const w = new CheckpointWriter(dir, 2, 8 * 100_000);
  const c = ckptAt(1);
  const before = c.arrays.weights.slice();
  await w.save(c);
  c.arrays.weights.fill(-1); // the next steps change the weights while the file is written
  const c2 = ckptAt(2);
  await w.save(c2); // waits for the first write: one in flight
  await w.close();
  assert.deepEqual(readCheckpointFile(checkpointPath(dir, 1)).arrays.weights, before);
  assert.deepEqual(readCheckpointFile(checkpointPath(dir)).arrays.weights, c2.arrays.weights);
  assert.deepEqual(readdirSync(dir).sort(), ['checkpoint.1.bin', 'checkpoint.bin']);
});

const skip = tmpfsUnavailable() ?? false;

test('a full disk while writing a checkpoint: one line with the path, bytes needed and free; no temporary file; the previous checkpoint intact', { skip }, async () => {
  const fs = mountTmpfs(4 * MiB);
  try {
    const w = new CheckpointWriter(fs.dir, 2, 8 * 100_000);
    await w.save(ckptAt(1));
    await w.flush();
    const previous = readFileSync(checkpointPath(fs.dir));
    fs.fillLeaving(200 * 1024);
    await w.save(ckptAt(2));
    const err = await w.flush().then(() => null, (e: Error) => e);
    assert.ok(err instanceof DiskWriteError, String(err));
    const path = checkpointPath(fs.dir);
    assert.match(err.message, new RegExp(`^cannot write the checkpoint ${path}: no space left on device \\(ENOSPC\\): 781\\.\\d KiB \\(8\\d{5} bytes\\) needed, \\d+\\.\\d KiB \\(\\d+ bytes\\) free$`));
    assert.doesNotMatch(err.message, /\n/);
    assert.throws(() => w.throwIfFailed(), DiskWriteError, 'the training loop sees the failure at its next step');
    await w.close().catch(() => undefined);
    assert.deepEqual(readdirSync(fs.dir).sort(), ['checkpoint.bin', 'filler'], 'the temporary file is removed');
    assert.deepEqual(readFileSync(checkpointPath(fs.dir)), previous, 'the previous checkpoint is intact');
  } finally {
    fs.unmount();
  }
});

test('a read-only file system while writing a checkpoint is one line naming the path', { skip }, async () => {
  const fs = mountTmpfs(4 * MiB);
  try {
    fs.readOnly();
    const w = new CheckpointWriter(fs.dir, 2, 8 * 100_000);
    await w.save(ckptAt(1));
    await assert.rejects(w.flush(), (e: Error) => e instanceof DiskWriteError && e.message === `cannot write the checkpoint ${checkpointPath(fs.dir)}: read-only file system (EROFS)`);
    await w.close().catch(() => undefined);
  } finally {
    fs.unmount();
  }
});

test('a full disk while writing the metrics or the model: one line naming the file; no temporary file left', { skip }, async () => {
  const fs = mountTmpfs(1 * MiB);
  try {
    const line: EpochMetrics = { epoch: 1, step: 1, lr: 0.1, train_loss: 1, train_acc: 0.5, test_loss: null, test_acc: null, epoch_seconds: 1, step_ms: 1, comm_ms: 0, data_ms: 0, images_per_s: 1 };
    fs.fillLeaving(0);
    assert.throws(() => appendMetrics(fs.dir, line), (e: Error) => e instanceof DiskWriteError && new RegExp(`^cannot write the metrics ${join(fs.dir, 'metrics.jsonl')}: no space left on device \\(ENOSPC\\): \\d+ bytes needed, 0 bytes free$`).test(e.message));
    const modelDir = join(fs.dir, 'model');
    mkdirSync(modelDir);
    const model = buildModel({ arch: 'resnet20', inputShape: [8, 8, 3], numClasses: 4, seed: 3, width: 0.25 });
    await assert.rejects(exportLayersModel(model, modelDir), (e: Error) => e instanceof DiskWriteError && e.message.startsWith(`cannot write the model ${join(modelDir, 'weights.bin')}: no space left on device (ENOSPC): `));
    assert.deepEqual(readdirSync(modelDir), [], 'the temporary file is removed');
  } finally {
    fs.unmount();
  }
});

test('a SIGTERM that arrives during a write ends the process once the checkpoint is on disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rwp-writer-'));
  const floats = 16 * MiB; // 128 MB: a write that takes a while
  const script = `import { CheckpointWriter } from ${JSON.stringify(fileURLToPath(new URL('./checkpoint-writer.js', import.meta.url)))};
const w = new CheckpointWriter(${JSON.stringify(dir)}, 2, 8 * ${floats});
await w.flush();
const weights = new Float32Array(${floats}).fill(3);
await w.save({ meta: { pass: 0, stepInPass: 0, step: 7, seed: 0, config: {}, configHash: 'h', wallSeconds: 0, bestTestAcc: null, partial: {} }, arrays: { weights, momentum: weights } });
process.kill(process.pid, 'SIGTERM');
setInterval(() => {}, 1000); // the training loop going on`;
  const file = join(dir, 'child.mjs');
  writeFileSync(file, script);
  const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => child.on('close', (c, s) => r([c, s])));
  assert.deepEqual([code, signal], [128 + 15, null], `it exited as a SIGTERM would, after the write: ${out}`);
  const c = readCheckpointFile(checkpointPath(dir));
  assert.equal(c.meta.step, 7);
  assert.equal(c.arrays.weights.length, floats);
});
