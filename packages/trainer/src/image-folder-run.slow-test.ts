// rwp-train on an image folder with an unreadable file in it: stopped with the file and the rank
// named, or, with data.skip_bad_images, the file skipped and counted in the epoch line and summary.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { run, TRAIN_CLI } from './testing/cli-runs.js';

const root = mkdtempSync(join(tmpdir(), 'rwp-folder-run-'));
after(() => rmSync(root, { recursive: true, force: true }));

const data = join(root, 'data');
const bad = join(data, 'train', 'c1', 'zz-bad.jpg');
const config = join(root, 'folder.yaml');

async function writeFolder(): Promise<void> {
  for (const split of ['train', 'val']) {
    for (let i = 0; i < 24; i++) {
      const [width, height] = [40 + (i % 5) * 6, 32 + (i % 3) * 8];
      const colour = [0, 1, 2].map((c) => (c === i % 3 ? 220 : 40));
      const jpeg = await sharp({ create: { width, height, channels: 3, background: { r: colour[0], g: colour[1], b: colour[2] } } }).jpeg().toBuffer();
      mkdirSync(join(data, split, `c${i % 3}`), { recursive: true });
      writeFileSync(join(data, split, `c${i % 3}`, `${i}.jpg`), jpeg);
    }
  }
  writeFileSync(bad, 'not a JPEG at all\n');
  writeFileSync(
    config,
    ['seed: 0', 'backend: native', 'model:', '  arch: cnn', 'data:', '  dataset: imagefolder', `  dir: ${data}`, '  image_size: 16', '  batch_size: 8', '  augment: true', '  workers: 2',
      'method:', '  name: sgd', 'train:', '  epochs: 2', ''].join('\n'),
  );
}

test('an unreadable image stops the run naming file and rank, or is skipped and counted with data.skip_bad_images', async () => {
  await writeFolder();
  const stopped = await run([TRAIN_CLI, config, '--run-dir', join(root, 'stopped')]);
  assert.equal(stopped.code, 1, stopped.out);
  assert.ok(stopped.out.includes(`rank 0: ${bad}: not an image file libvips can read`), stopped.out);
  assert.doesNotMatch(stopped.out, /\n\s+at /);

  const runDir = join(root, 'skipped');
  const skipped = await run([TRAIN_CLI, config, '--run-dir', runDir, '--set', 'data.skip_bad_images=true']);
  assert.equal(skipped.code, 0, skipped.out);
  // 25 training images, 3 full batches of 8 an epoch: the bad file falls in one of them or in the dropped tail.
  const epochLines = skipped.out.split('\n').filter((l) => l.includes('"metrics"'));
  assert.equal(epochLines.length, 2);
  const counts = epochLines.map((l) => JSON.parse(l).metrics.skipped_images as number);
  for (const [i, l] of epochLines.entries()) {
    if (counts[i] > 0) assert.match(l, /, 1 unreadable image skipped"/);
    else assert.doesNotMatch(l, /unreadable/);
  }
  assert.ok(counts.some((c) => c === 1), `the bad file was drawn in some epoch: ${counts}`);
  const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
  assert.equal(summary.skipped_images, counts[0] + counts[1]);
});
