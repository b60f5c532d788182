// Data time per batch: makeBatch in-process versus the time the trainer waits in
// Prefetcher.next() when a synchronous step of `stepMs` runs between batches.
//
//   node benchmarks/dist/data.js [stepMs=50] [batches=40]
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  augmentKey,
  epochBatches,
  FASHION_MNIST_DIRS,
  loadDataset,
  makeBatch,
  Prefetcher,
  type Augment,
  type BatchRequest,
  type Dataset,
} from '@rwp/data';
import { streamFor } from '@rwp/random';
import jpeg from 'jpeg-js';

const stepMs = Number(process.argv[2] ?? 50);
const batches = Number(process.argv[3] ?? 40);
const seed = 0;

/** Stands in for the trainer's synchronous TensorFlow.js step, which blocks the main thread. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

function requests(ds: Dataset, batchSize: number): BatchRequest[] {
  return epochBatches({ count: ds.train.count, replicas: 1, replica: 0, batchSize, seed, epoch: 0, shuffle: true })
    .slice(0, batches)
    .map((indices, step) => ({ indices, key: augmentKey(seed, 0, step, 0) }));
}

async function measure(label: string, ds: Dataset, batchSize: number, augment: Augment | undefined): Promise<void> {
  const reqs = requests(ds, batchSize);
  const out = { x: new Float32Array(batchSize * ds.train.height * ds.train.width * ds.train.channels), y: new Int32Array(batchSize) };
  const t0 = performance.now();
  for (const r of reqs) makeBatch(ds.train, r.indices, { augment, mean: ds.mean, std: ds.std, rng: streamFor(...r.key!) }, out);
  const inProcessMs = (performance.now() - t0) / reqs.length;

  const waits: Record<string, number> = {};
  for (const step of [0, stepMs]) {
    const pf = new Prefetcher(ds.train, { augment, mean: ds.mean, std: ds.std, workers: 1 });
    pf.schedule(reqs);
    pf.recycle(await pf.next()); // worker start-up is not per-batch cost
    let waited = 0;
    for (let i = 1; i < reqs.length; i++) {
      busy(step);
      const t = performance.now();
      const b = await pf.next();
      waited += performance.now() - t;
      pf.recycle(b);
    }
    await pf.close();
    waits[`waitMs_step${step}`] = +(waited / (reqs.length - 1)).toFixed(3);
  }
  console.log(JSON.stringify({ case: label, batchSize, batches: reqs.length, inProcessMs: +inProcessMs.toFixed(3), ...waits }));
}

const fashionDir = FASHION_MNIST_DIRS.find((d) => existsSync(join(d, 'train-images-idx3-ubyte.gz')));
const fashion = fashionDir
  ? await loadDataset({ dataset: 'fashion-mnist' })
  : await loadDataset({ dataset: 'synthetic', synthetic: { height: 28, width: 28, channels: 1, trainCount: 60000 } });
const fashionLabel = fashionDir ? 'fashion-mnist' : 'fashion-mnist-shaped synthetic';
await measure(`${fashionLabel}, no augmentation`, fashion, 128, undefined);
await measure(`${fashionLabel}, crop 4 + flip`, fashion, 128, { crop: 4, flip: true });
const cifar = await loadDataset({ dataset: 'synthetic', synthetic: { height: 32, width: 32, channels: 3, trainCount: 10240 } });
await measure('cifar-shaped synthetic, crop 4 + flip + cutout 16', cifar, 256, { crop: 4, flip: true, cutout: { size: 16, p: 0.5 } });

// ImageNet-like: 500x375 JPEGs (a gradient plus noise), decoded and resized to 224 on read.
const folder = mkdtempSync(join(tmpdir(), 'rwp-bench-folder-'));
try {
  const rng = streamFor(seed, 'bench-jpeg');
  for (const split of ['train', 'val']) {
    for (let i = 0; i < 64; i++) {
      const dir = join(folder, split, `class${i % 4}`);
      mkdirSync(dir, { recursive: true });
      const data = Buffer.alloc(500 * 375 * 4);
      for (let p = 0; p < 500 * 375; p++) data.set([(p % 500) / 2 + rng.int(40), p / 1000 + rng.int(40), 100 + rng.int(40), 255], 4 * p);
      writeFileSync(join(dir, `${i}.jpg`), jpeg.encode({ width: 500, height: 375, data }, 90).data);
    }
  }
  const imagenet = await loadDataset({ dataset: 'imagefolder', dir: folder, imageSize: 224 });
  await measure('image folder, 500x375 JPEG -> 224, crop 4 + flip', imagenet, 16, { crop: 4, flip: true });
} finally {
  rmSync(folder, { recursive: true, force: true });
}
