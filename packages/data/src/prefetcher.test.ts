import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { streamFor } from '@rwp/random';
import { augmentKey, epochBatches, IMAGENET_CROP, loadDataset, makeBatch, Prefetcher, type Augment, type BatchRequest, type Dataset, type ImageSource } from './index.js';

const root = mkdtempSync(join(tmpdir(), 'rwp-prefetch-'));
after(() => rmSync(root, { recursive: true, force: true }));

const augment: Augment = { crop: 4, flip: true, cutout: { size: 16, p: 0.5 } };
const seed = 11;

/** The batches sequential RWP consumes: per step, replica 0's batch then replica 1's. */
function sequentialRequests(count: number, epoch: number, batchSize: number): BatchRequest[] {
  const [r0, r1] = [0, 1].map((replica) => epochBatches({ count, replicas: 2, replica, batchSize, seed, epoch, shuffle: true }));
  return r0.flatMap((b, step) => [
    { indices: b, key: augmentKey(seed, epoch, step, 0) },
    { indices: r1[step], key: augmentKey(seed, epoch, step, 1) },
  ]);
}

function inProcess(ds: Dataset<ImageSource>, r: BatchRequest, aug: Augment | undefined) {
  return makeBatch(ds.train, r.indices, { augment: aug, mean: ds.mean, std: ds.std, rng: r.key && streamFor(...r.key) });
}

for (const workers of [0, 1, 2]) {
  test(`prefetched batches (${workers} workers) equal makeBatch in-process bitwise, with reused buffers`, async () => {
    const ds = await loadDataset({ dataset: 'synthetic', synthetic: { trainCount: 300, testCount: 10, seed: 2 } });
    const pf = new Prefetcher(ds.train, { augment, mean: ds.mean, std: ds.std, workers });
    try {
      for (const epoch of [0, 1]) {
        const requests = sequentialRequests(ds.train.count, epoch, 32);
        assert.equal(requests.length, 8);
        pf.schedule(requests);
        for (const r of requests) {
          const b = await pf.next();
          assert.deepEqual(b.indices, r.indices);
          assert.deepEqual({ x: b.x, y: b.y }, inProcess(ds, r, augment));
          pf.recycle(b);
        }
      }
    } finally {
      await pf.close();
    }
  });
}

test('image-folder batches are bitwise the same with 0-3 workers, after a resume, and split over 2 ranks', async () => {
  const dir = join(root, 'folder');
  const sizes: Array<[number, number]> = [[50, 37], [37, 50], [50, 33], [64, 48], [20, 80]];
  for (let i = 0; i < 24; i++) {
    const [width, height] = sizes[i % sizes.length];
    const rng = streamFor(i, 'jpeg');
    const pixels = Buffer.alloc(width * height * 3).map((_, p) => (p % 255) / 2 + rng.int(128));
    const jpeg = await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
    mkdirSync(join(dir, 'train', `c${i % 3}`), { recursive: true });
    writeFileSync(join(dir, 'train', `c${i % 3}`, `${String(i).padStart(2, '0')}.jpg`), jpeg);
  }
  mkdirSync(join(dir, 'val', 'c0'), { recursive: true });
  writeFileSync(join(dir, 'val', 'c0', 'v.png'), await sharp({ create: { width: 9, height: 9, channels: 3, background: '#808080' } }).png().toBuffer());
  const ds = await loadDataset({ dataset: 'imagefolder', dir, imageSize: 16 });
  const aug: Augment = { resizedCrop: IMAGENET_CROP, flip: true };
  const norm = { augment: aug, mean: ds.mean, std: ds.std };
  const batchSize = 4;
  // An uninterrupted run of two epochs, sequential RWP in one process (both replicas' batches).
  const all = [0, 1].flatMap((epoch) => sequentialRequests(ds.train.count, epoch, batchSize));
  const consume = async (pf: Prefetcher, requests: BatchRequest[]) => {
    pf.schedule(requests);
    const got: Array<{ x: Float32Array; y: Int32Array }> = [];
    for (const r of requests) {
      const b = await pf.next();
      assert.deepEqual(b.indices, r.indices);
      got.push({ x: b.x.slice(), y: b.y.slice() });
      pf.recycle(b);
    }
    await pf.close();
    return got;
  };
  const reference = await consume(new Prefetcher(ds.train, { ...norm, workers: 0 }), all);
  // Augmentation happened: an image's two epochs' crops differ.
  assert.notDeepEqual(reference[0].x, reference[reference.length / 2].x);
  for (const workers of [1, 2, 3]) {
    assert.deepEqual(await consume(new Prefetcher(ds.train, { ...norm, workers }), all), reference, `${workers} workers`);
  }
  // Resumed at epoch 1, step 1: a fresh prefetcher scheduled from there.
  const perEpoch = all.length / 2;
  const resumedAt = perEpoch + 2;
  assert.deepEqual(await consume(new Prefetcher(ds.train, { ...norm, workers: 2 }), all.slice(resumedAt)), reference.slice(resumedAt));
  // Two ranks, each its own replica's batches in its own prefetcher.
  for (const replica of [0, 1]) {
    const mine = all.filter((r) => r.key![4] === replica);
    const want = reference.filter((_, i) => all[i].key![4] === replica);
    assert.deepEqual(await consume(new Prefetcher(ds.train, { ...norm, workers: 1, rank: replica }), mine), want, `rank ${replica}`);
  }
});

test('a prefetcher left open does not keep the process alive', () => {
  const index = new URL('./index.js', import.meta.url).href;
  const script = `
    import { loadDataset, Prefetcher } from ${JSON.stringify(index)};
    const ds = await loadDataset({ dataset: 'synthetic', synthetic: { trainCount: 20, testCount: 2 } });
    const pf = new Prefetcher(ds.train, { mean: ds.mean, std: ds.std });
    pf.schedule([{ indices: Int32Array.of(0, 1) }, { indices: Int32Array.of(2, 3) }]);
    const b = await pf.next();
    console.log('got', b.y.length);`;
  const file = join(root, 'left-open.mjs');
  writeFileSync(file, script);
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.signal, null, 'the child had to be killed: the worker kept it alive');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'got 2');
});
