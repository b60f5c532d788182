// rwp's crops against torchvision 0.14's (Debian's python3-torchvision under /usr/bin/python3).
// Where torchvision is not importable the tests compare with fixtures it wrote; regenerate them
// with torchvision installed:
//   RWP_WRITE_FIXTURES=1 node --test packages/data/test-dist/torchvision-agreement.test.js
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test, type TestContext } from 'node:test';
import sharp from 'sharp';
import { streamFor } from '@rwp/random';
import { IMAGENET_CROP, loadDataset, randomResizedCrop, type ResizedCropRange } from './index.js';

const PYTHON = '/usr/bin/python3';
const FIXTURES = fileURLToPath(new URL('../src/fixtures/', import.meta.url));
const WRITE = process.env.RWP_WRITE_FIXTURES === '1';
const hasTorchvision = spawnSync(PYTHON, ['-c', 'import torchvision'], { encoding: 'utf8' }).status === 0;
const root = mkdtempSync(join(tmpdir(), 'rwp-torchvision-'));
after(() => rmSync(root, { recursive: true, force: true }));

function python(script: string, ...args: string[]): string {
  const r = spawnSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** torchvision's answer: computed live when it is importable (and written as the fixture on request), else the fixture. */
async function reference(name: string, compute: () => Buffer | Promise<Buffer>): Promise<Buffer> {
  if (!hasTorchvision) return readFileSync(join(FIXTURES, name));
  const fresh = await compute();
  if (WRITE) {
    mkdirSync(FIXTURES, { recursive: true });
    writeFileSync(join(FIXTURES, name), fresh);
  }
  return fresh;
}

interface Stats {
  area: { mean: number; std: number };
  ratio: { mean: number; std: number };
}

function stats(area: number[], ratio: number[]): Stats {
  const ms = (xs: number[]) => {
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    return { mean, std: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) };
  };
  return { area: ms(area), ratio: ms(ratio) };
}

const [W, H, DRAWS] = [500, 375, 10_000];

test(`RandomResizedCrop: area fraction and aspect ratio over ${DRAWS} draws within 2% of torchvision's (mean and spread)`, async (t) => {
  const want = JSON.parse(
    (await reference('torchvision-crop-stats.json', () =>
      Buffer.from(
        python(
          `
import json, sys, torch
from PIL import Image
from torchvision.transforms import RandomResizedCrop
torch.manual_seed(0)
w, h, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
img = Image.new('RGB', (w, h))
area, ratio = [], []
for _ in range(n):
    i, j, ch, cw = RandomResizedCrop.get_params(img, [0.08, 1.0], [3 / 4, 4 / 3])
    assert 0 <= i <= h - ch and 0 <= j <= w - cw
    area.append(cw * ch / (w * h)); ratio.append(cw / ch)
def ms(xs):
    m = sum(xs) / len(xs)
    return {"mean": m, "std": (sum((x - m) ** 2 for x in xs) / (len(xs) - 1)) ** 0.5}
print(json.dumps({"area": ms(area), "ratio": ms(ratio)}))
`,
          String(W),
          String(H),
          String(DRAWS),
        ),
      ),
    )).toString(),
  ) as Stats;
  const rng = streamFor(0, 'crop-stats');
  const area: number[] = [];
  const ratio: number[] = [];
  for (let k = 0; k < DRAWS; k++) {
    const box = randomResizedCrop(W, H, IMAGENET_CROP, rng);
    assert.ok(box.top >= 0 && box.left >= 0 && box.top + box.height <= H && box.left + box.width <= W, `box inside the image: ${JSON.stringify(box)}`);
    area.push((box.width * box.height) / (W * H));
    ratio.push(box.width / box.height);
  }
  const got = stats(area, ratio);
  t.diagnostic(`torchvision ${JSON.stringify(want)}${hasTorchvision ? '' : ' (fixture)'}`);
  t.diagnostic(`rwp         ${JSON.stringify(got)}`);
  for (const k of ['area', 'ratio'] as const) {
    for (const m of ['mean', 'std'] as const) {
      const rel = Math.abs(got[k][m] - want[k][m]) / want[k][m];
      assert.ok(rel <= 0.02, `${k} ${m}: rwp ${got[k][m]}, torchvision ${want[k][m]} (${(rel * 100).toFixed(2)}% apart)`);
    }
  }
});

/** A fixed photograph-like image: shading, a checkerboard's edges and a pattern of grain. */
function fixedImage(): Buffer {
  const px = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let c = 0; c < 3; c++) {
        const v = 128 + 90 * Math.sin(x * 0.07 + c) * Math.cos(y * 0.05) + ((x * 31 + y * 17 + c * 7) % 40) - 20 + (((x >> 4) + (y >> 4)) % 2 ? 40 : -40);
        px[(y * W + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return px;
}

/** Writes the fixed image as a one-class image folder (train and val) under root/name. */
async function fixedFolder(name: string): Promise<string> {
  const dir = join(root, name);
  const png = await sharp(fixedImage(), { raw: { width: W, height: H, channels: 3 } }).png().toBuffer();
  for (const split of ['train', 'val']) {
    mkdirSync(join(dir, split, 'a'), { recursive: true });
    writeFileSync(join(dir, split, 'a', 'fixed.png'), png);
  }
  return dir;
}

/** torchvision's transform `expr` (of `t`, torchvision.transforms.functional as F and the PIL image `img`) on `file`, as 224 x 224 RGB bytes. */
async function torchvisionPixels(fixture: string, file: string, expr: string): Promise<Buffer> {
  const png = await reference(fixture, () => {
    const rawPath = join(root, 'torchvision.bin');
    python(
      `
import sys, numpy as np
from PIL import Image
from torchvision import transforms as t
from torchvision.transforms import functional as F
img = Image.open(sys.argv[1]).convert('RGB')
np.asarray(${expr}).tofile(sys.argv[2])
`,
      file,
      rawPath,
    );
    // Kept as a PNG: lossless and a third of the raw size.
    return sharp(readFileSync(rawPath), { raw: { width: 224, height: 224, channels: 3 } }).png().toBuffer();
  });
  return sharp(png).raw().toBuffer();
}

/** The bar: every value within 1 grey level of torchvision's (PIL's arithmetic, so none should differ). */
function assertWithinOneGreyLevel(t: TestContext, got: Uint8Array, want: Buffer): void {
  assert.equal(want.length, got.length);
  const hist = new Map<number, number>();
  for (let i = 0; i < got.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    hist.set(d, (hist.get(d) ?? 0) + 1);
  }
  const mean = [...hist].reduce((s, [d, c]) => s + d * c, 0) / got.length;
  t.diagnostic(`|rwp - torchvision| over ${got.length} values: ${JSON.stringify(Object.fromEntries(hist))}, mean ${mean.toFixed(3)}${hasTorchvision ? '' : ' (fixture)'}`);
  assert.ok(Math.max(...hist.keys()) <= 1, `largest difference ${Math.max(...hist.keys())} grey levels`);
  assert.ok(mean <= 0.01, `mean difference ${mean}`);
}

test('evaluation Resize(256) + CenterCrop(224) on a fixed image: every value within 1 grey level of torchvision', async (t) => {
  const dir = await fixedFolder('eval');
  const ds = await loadDataset({ dataset: 'imagefolder', dir, imageSize: 224 });
  const got = new Uint8Array(224 * 224 * 3);
  await ds.test.readCrop(0, got, 0);
  const want = await torchvisionPixels('torchvision-eval-224.png', join(dir, 'val', 'a', 'fixed.png'), 't.Compose([t.Resize(256), t.CenterCrop(224)])(img)');
  assertWithinOneGreyLevel(t, got, want);
});

// A crop of 8-10% of the image is enlarged to 224 (libvips' enlarging was tens of grey levels
// off); one of 50-60% is shrunk.
for (const [name, scale] of [['enlarged', [0.08, 0.1]], ['shrunk', [0.5, 0.6]]] as const) {
  test(`training RandomResizedCrop(224) on a fixed image, a crop ${name} to 224: every value within 1 grey level of torchvision's resized_crop of the same box`, async (t) => {
    const dir = await fixedFolder(`train-${name}`);
    const ds = await loadDataset({ dataset: 'imagefolder', dir, imageSize: 224 });
    const range: ResizedCropRange = { scale: [...scale], ratio: IMAGENET_CROP.ratio };
    const box = randomResizedCrop(W, H, range, streamFor(0, 'train-crop', name));
    t.diagnostic(`box ${JSON.stringify(box)}`);
    const got = new Uint8Array(224 * 224 * 3);
    await ds.train.readCrop(0, got, 0, { range, rng: streamFor(0, 'train-crop', name) });
    const { top, left, height, width } = box;
    const want = await torchvisionPixels(
      `torchvision-train-224-${name}.png`,
      join(dir, 'train', 'a', 'fixed.png'),
      `F.resized_crop(img, ${top}, ${left}, ${height}, ${width}, [224, 224], t.InterpolationMode.BILINEAR)`,
    );
    assertWithinOneGreyLevel(t, got, want);
  });
}
