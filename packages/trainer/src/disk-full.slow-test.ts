import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkpointPath, readCheckpointFile } from './checkpoint.js';
import { finalWeights, LAUNCH_CLI, run, SMOKE_CONFIG, TRAIN_CLI } from './testing/cli-runs.js';
import { mountTmpfs, tmpfsUnavailable } from './testing/tmpfs.js';

// Synthetic 32x32x3 images, the small cnn, one thread: 16 steps in 2 passes of 8; a checkpoint is ~4.2 MiB.
const SMALL = ['--set', 'threads=1', '--set', 'data.limit_train=256', '--set', 'data.limit_test=64', '--set', 'data.batch_size=16'];
const MiB = 1024 * 1024;

test('a full disk at a checkpoint: one line with the path, bytes needed and free, named by rwp-launch; the previous checkpoint intact; the resume ends bitwise as an uninterrupted run', { skip: tmpfsUnavailable() ?? false }, async () => {
  const whole = mkdtempSync(join(tmpdir(), 'rwp-full-'));
  const w = await run([TRAIN_CLI, SMOKE_CONFIG, '--run-dir', whole, ...SMALL, '--set', 'train.max_steps=null']);
  assert.equal(w.code, 0, w.out);

  const fs = mountTmpfs(24 * MiB);
  try {
    const dir = join(fs.dir, 'run');
    const launch = (steps: string) => run([LAUNCH_CLI, '--nproc', '1', SMOKE_CONFIG, '--run-dir', dir, '--resume', ...SMALL, '--set', `train.max_steps=${steps}`]);
    const first = await launch('12');
    assert.equal(first.code, 0, first.out);
    const previous = readFileSync(checkpointPath(dir));
    assert.equal(readCheckpointFile(checkpointPath(dir)).meta.step, 12);

    const filler = fs.fillLeaving(1 * MiB);
    const full = await launch('null');
    assert.equal(full.code, 1, full.out);
    const path = checkpointPath(dir);
    const why = `cannot write the checkpoint ${path}: no space left on device \\(ENOSPC\\): 4\\.\\d MiB \\(\\d+ bytes\\) needed, \\d+\\.\\d KiB \\(\\d+ bytes\\) free`;
    const workerErrors = full.out.split('\n').filter((l) => l.includes('"level":50') && l.includes('"rank":0'));
    assert.equal(workerErrors.length, 1, full.out);
    assert.match(workerErrors[0], new RegExp(`"msg":"${why}"`));
    assert.doesNotMatch(workerErrors[0], /"stack"/);
    assert.match(full.out, new RegExp(`"msg":"rank 0 exited with code 1: ${why}; its last`), "the launcher's failure line names it");
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp-')), [], 'no temporary file is left');
    assert.deepEqual(readFileSync(checkpointPath(dir)), previous, 'the previous checkpoint is intact');

    rmSync(filler);
    const resumed = await launch('null');
    assert.equal(resumed.code, 0, resumed.out);
    assert.match(resumed.out, /resumed from step 12 /);
    assert.deepEqual(finalWeights(dir), finalWeights(whole), 'the resumed run ends with the weights of the uninterrupted one');
  } finally {
    fs.unmount();
  }
});
