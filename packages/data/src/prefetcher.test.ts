import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { PNG } from 'pngjs';
import { streamFor } from '@rwp/random';
import { augmentKey, DataError, epochBatches, loadDataset, makeBatch, Prefetcher, type Augment, type BatchRequest, type Dataset } from './index.js';

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

function inProcess(ds: Dataset, r: BatchRequest, aug: Augment | undefined) {
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

test('an image folder prefetches in a worker; a corrupt image fails only its batch, naming the file', async () => {
  const dir = join(root, 'folder');
  const files: string[] = [];
  for (let i = 0; i < 12; i++) {
    const cls = join(dir, 'train', `c${i % 3}`);
    mkdirSync(cls, { recursive: true });
    const path = join(cls, `${String(i).padStart(2, '0')}.png`);
    const rng = streamFor(i, 'png');
    const data = Buffer.alloc(20 * 14 * 4).map(() => rng.int(256));
    writeFileSync(path, PNG.sync.write({ width: 20, height: 14, data } as PNG));
    files.push(path);
  }
  mkdirSync(join(dir, 'val', 'c0'), { recursive: true });
  writeFileSync(join(dir, 'val', 'c0', 'v.png'), PNG.sync.write({ width: 4, height: 4, data: Buffer.alloc(64, 255) } as PNG));
  const ds = await loadDataset({ dataset: 'imagefolder', dir, imageSize: 10 });
  const corrupt = (ds.train as unknown as { files: string[] }).files[5];
  writeFileSync(corrupt, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]));
  const aug: Augment = { crop: 2, flip: true };
  const requests: BatchRequest[] = [
    { indices: Int32Array.of(0, 1, 2, 3), key: [1] },
    { indices: Int32Array.of(4, 5, 6, 7), key: [2] },
    { indices: Int32Array.of(8, 9, 10, 11), key: [3] },
  ];
  const pf = new Prefetcher(ds.train, { augment: aug, mean: ds.mean, std: ds.std, workers: 1 });
  try {
    pf.schedule(requests);
    assert.deepEqual(await pf.next().then(({ x, y }) => ({ x, y })), inProcess(ds, requests[0], aug));
    await assert.rejects(pf.next(), (e: Error) => e instanceof DataError && e.message.startsWith(`${corrupt}: corrupt image`));
    assert.deepEqual(await pf.next().then(({ x, y }) => ({ x, y })), inProcess(ds, requests[2], aug));
    await assert.rejects(pf.next(), /no batch scheduled/);
  } finally {
    await pf.close();
  }
  await assert.rejects(pf.next(), /Prefetcher closed/);
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
