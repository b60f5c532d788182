// Images per second of the training input pipeline on an image folder (decode, RandomResizedCrop,
// flip, normalise) through @rwp/data's Prefetcher, per worker count; with --pytorch, torchvision's
// DataLoader with the same transforms on the same folder, interleaved round by round.
//
//   npm run bench:data -- [--dir DIR] [--workers 1,2,N] [--pytorch] [--json]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { augmentKey, epochBatches, IMAGENET_CROP, loadDataset, Prefetcher, type Dataset, type FolderSource } from '@rwp/data';
import { streamFor } from '@rwp/random';
import sharp from 'sharp';
import { parseDataOptions } from './data-options.js';
import { torchvisionPipeline, torchvisionUnavailable } from './data-pytorch.js';

const opts = parseDataOptions(process.argv);
const seed = 0;

/** ImageNet's common sizes; the written folder cycles through them. */
const SIZES: Array<[number, number]> = [[500, 375], [375, 500], [500, 333], [640, 480], [500, 400], [333, 500]];

/** Grain amplitude of the written photos: it sets their entropy, and so the decode's work; 56 gives 50 KiB on average, the ImageNet sample (a grain of 24 gave 23 KiB). */
const GRAIN = 56;

/** A photograph-like JPEG (smooth shading, edges and grain) of about ImageNet's 50 KiB at this size. */
async function photo(width: number, height: number, i: number): Promise<Buffer> {
  const rng = streamFor(seed, 'bench-photo', i);
  const [fx, fy, phase] = [rng.uniform() * 0.05, rng.uniform() * 0.05, rng.uniform() * 6];
  const px = Buffer.alloc(width * height * 3);
  for (let y = 0, p = 0; y < height; y++) {
    for (let x = 0; x < width; x++, p += 3) {
      const shade = 128 + 60 * Math.sin(fx * x + phase) * Math.cos(fy * y);
      const edge = ((x >> 5) + (y >> 5)) % 2 === 0 ? 30 : -30;
      for (let c = 0; c < 3; c++) px[p + c] = Math.max(0, Math.min(255, shade + edge * (c - 1) + rng.int(GRAIN)));
    }
  }
  return sharp(px, { raw: { width, height, channels: 3 } }).jpeg({ quality: 80 }).toBuffer();
}

async function writeFolder(count: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'rwp-bench-data-'));
  for (let i = 0; i < count; i++) {
    const [w, h] = SIZES[i % SIZES.length];
    const split = i < count - 10 ? 'train' : 'val';
    const cls = join(dir, split, `class${i % 10}`);
    mkdirSync(cls, { recursive: true });
    writeFileSync(join(cls, `${i}.jpg`), await photo(w, h, i));
  }
  return dir;
}

/**
 * One epoch of train/ with the training transforms: images per second from the first batch to the
 * last, and CPU milliseconds per image of the whole process (its decode workers and libvips
 * threads included, their start-up too). On a shared host the second says what the first would be
 * on quiet cores.
 */
async function rwpPipeline(ds: Dataset<FolderSource>, workers: number): Promise<{ imagesPerS: number; cpuMsPerImage: number }> {
  const requests = epochBatches({ count: ds.train.count, replicas: 1, replica: 0, batchSize: opts.batch, seed, epoch: 0, shuffle: true }).map(
    (indices, step) => ({ indices, key: augmentKey(seed, 0, step, 0) }),
  );
  if (requests.length < 2) throw new Error(`bench:data: the folder has ${ds.train.count} training images, fewer than 2 batches of ${opts.batch}`);
  // torchvision's DataLoader keeps 2 batches per worker in flight; so does this.
  const cpu0 = process.cpuUsage();
  const pf = new Prefetcher(ds.train, { augment: { resizedCrop: IMAGENET_CROP, flip: true }, mean: ds.mean, std: ds.std, workers, ahead: 2 * workers });
  let images = 0;
  let t0 = 0;
  try {
    pf.schedule(requests);
    pf.recycle(await pf.next());
    t0 = performance.now();
    for (let i = 1; i < requests.length; i++) {
      const b = await pf.next();
      images += b.y.length;
      pf.recycle(b);
    }
  } finally {
    await pf.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { imagesPerS: images / seconds, cpuMsPerImage: (cpu.user + cpu.system) / 1000 / (images + opts.batch) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const written = opts.dir === undefined ? await writeFolder(opts.images) : undefined;
const dir = opts.dir ?? written!;
try {
  const ds = await loadDataset({ dataset: 'imagefolder', dir, imageSize: opts.size });
  const why = opts.pytorch ? torchvisionUnavailable(opts.python) : null;
  if (why) throw new Error(`--pytorch: ${why}`);
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const rows: Array<{ impl: 'rwp' | 'pytorch'; workers: number; images_per_s: number; cpu_ms_per_image: number; round: number; load1: number }> = [];
  for (let round = 0; round < opts.rounds; round++) {
    for (const workers of opts.workers) {
      // Alternate which side goes first, so drift on a shared host falls on both alike.
      const order: Array<'rwp' | 'pytorch'> = opts.pytorch ? (round % 2 === 0 ? ['rwp', 'pytorch'] : ['pytorch', 'rwp']) : ['rwp'];
      for (const impl of order) {
        const load1 = loadavg()[0];
        const m = impl === 'rwp' ? await rwpPipeline(ds, workers) : torchvisionPipeline(opts.python, join(dir, 'train'), workers, opts.batch, opts.size);
        const row = { impl, workers, images_per_s: +m.imagesPerS.toFixed(1), cpu_ms_per_image: +m.cpuMsPerImage.toFixed(2), round, load1: +load1.toFixed(2) };
        rows.push(row);
        if (opts.json) console.log(JSON.stringify({ ...row, batch: opts.batch, size: opts.size, images: ds.train.count, cpu, cores: cpus().length }));
      }
    }
  }
  if (!opts.json) {
    console.log(`${ds.train.count} training images in ${dir}; batch ${opts.batch}, RandomResizedCrop(${opts.size}) + flip + normalise; ${cpu}, ${cpus().length} cores; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.log(`medians of ${opts.rounds} round(s); ratios: medians of the round-by-round ratios; CPU ms per image: all the pipeline's threads or processes`);
    console.log(['workers', 'rwp img/s', 'rwp CPU ms/img', ...(opts.pytorch ? ['torchvision img/s', 'torchvision CPU ms/img', 'img/s ratio', 'CPU ratio'] : [])].join('\t'));
    for (const workers of opts.workers) {
      const of = (impl: string) => rows.filter((r) => r.impl === impl && r.workers === workers);
      const rwp = of('rwp');
      const cells = [String(workers), median(rwp.map((r) => r.images_per_s)).toFixed(0), median(rwp.map((r) => r.cpu_ms_per_image)).toFixed(2)];
      if (opts.pytorch) {
        const pt = of('pytorch');
        cells.push(
          median(pt.map((r) => r.images_per_s)).toFixed(0),
          median(pt.map((r) => r.cpu_ms_per_image)).toFixed(2),
          `${median(rwp.map((r, i) => r.images_per_s / pt[i].images_per_s)).toFixed(2)}x`,
          `${median(rwp.map((r, i) => pt[i].cpu_ms_per_image / r.cpu_ms_per_image)).toFixed(2)}x`,
        );
      }
      console.log(cells.join('\t'));
    }
  }
} finally {
  if (written) rmSync(written, { recursive: true, force: true });
}
