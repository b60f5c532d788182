// rwp-train on an image folder with augmentation (random-resized crops, flips) decoded in worker
// threads: a resumed run and a run on 2 ranks see the same batches as an uninterrupted run in one
// process, which their bitwise equal final weights show. Each crop's random stream is keyed by
// (seed, pass, step, replica): a key of the rank, the worker or the batches since start would
// break one of these. One thread per process: oneDNN's sums depend on the thread count.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { finalWeights, LAUNCH_CLI, maxAbsDiff, run, TRAIN_CLI } from './testing/cli-runs.js';
import { writeTexturedFolder } from './testing/image-folders.js';

const root = mkdtempSync(join(tmpdir(), 'rwp-folder-batches-'));
after(() => rmSync(root, { recursive: true, force: true }));
const config = join(root, 'folder.yaml');

before(async () => {
  const data = join(root, 'data');
  await writeTexturedFolder(data, 64);
  writeFileSync(
    config,
    ['seed: 3', 'backend: native', 'threads: 1', 'model:', '  arch: cnn', 'data:', '  dataset: imagefolder', `  dir: ${data}`, '  image_size: 16', '  batch_size: 8',
      '  augment: true', 'method:', '  name: rwp', 'train:', '  epochs: 1', ''].join('\n'),
  );
});

const workers = (n: number) => ['--set', `data.workers=${n}`];

test('an image-folder run stopped mid-pass and resumed, with another worker count, ends bitwise as an uninterrupted run', async () => {
  const whole = join(root, 'whole');
  const parts = join(root, 'parts');
  // 3 workers: the resumed run's batches go to other workers than the same batches did uninterrupted.
  const a = await run([TRAIN_CLI, config, '--run-dir', whole, ...workers(3)]);
  assert.equal(a.code, 0, a.out);
  // 64 images, batches of 8 on 2 replicas: 2 passes of 4 steps; step 5 is mid-way through the second.
  const b1 = await run([TRAIN_CLI, config, '--run-dir', parts, ...workers(3), '--set', 'train.max_steps=5']);
  assert.equal(b1.code, 0, b1.out);
  // A changed learning rate is refused by name; a changed worker count is not (the batches do not depend on it).
  const refused = await run([TRAIN_CLI, config, '--run-dir', parts, ...workers(3), '--resume', '--set', 'optim.lr=0.1']);
  assert.notEqual(refused.code, 0, refused.out);
  assert.match(refused.out, /was written with another config: optim\.lr: 0\.05 in the checkpoint, 0\.1 now \(only/);
  const b2 = await run([TRAIN_CLI, config, '--run-dir', parts, ...workers(2), '--resume']);
  assert.equal(b2.code, 0, b2.out);
  assert.match(b2.out, /resumed from step 5/);
  assert.deepEqual(finalWeights(parts), finalWeights(whole), 'resumed weights are bitwise those of the uninterrupted run');
});

test('RWP on an image folder: 2 ranks end bitwise as sequential RWP in one process', async () => {
  const seq = join(root, 'seq');
  const par = join(root, 'par');
  const a = await run([TRAIN_CLI, config, '--run-dir', seq, ...workers(2)]);
  assert.equal(a.code, 0, a.out);
  const b = await run([LAUNCH_CLI, '--nproc', '2', config, '--run-dir', par, ...workers(1)]);
  assert.equal(b.code, 0, b.out);
  const ws = finalWeights(seq);
  const wp = finalWeights(par);
  assert.deepEqual(wp, ws, `weights differ by up to ${maxAbsDiff(ws, wp)}`);
});
