import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { streamFor } from '@rwp/random';
import { DataError, FolderSource, loadDataset, MAX_IMAGE_PIXELS, Prefetcher, randomResizedCrop, type RandomCrop } from './index.js';

const root = mkdtempSync(join(tmpdir(), 'rwp-folder-'));
after(() => rmSync(root, { recursive: true, force: true }));

type Rgb = [number, number, number];

/** RGB pixels of a width x height image whose colour at (y, x) is `colour(y, x)`. */
function rgb(width: number, height: number, colour: (y: number, x: number) => Rgb): Buffer {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(colour(y, x), (y * width + x) * 3);
  return data;
}

function write(path: string, bytes: Buffer): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return path;
}

const raw = (width: number, height: number, colour: (y: number, x: number) => Rgb) =>
  sharp(rgb(width, height, colour), { raw: { width, height, channels: 3 } });

async function writePng(path: string, width: number, height: number, colour: (y: number, x: number) => Rgb): Promise<string> {
  return write(path, await raw(width, height, colour).png().toBuffer());
}

async function writeJpeg(path: string, width: number, height: number, colour: (y: number, x: number) => Rgb): Promise<string> {
  return write(path, await raw(width, height, colour).jpeg({ quality: 95 }).toBuffer());
}

async function read(src: FolderSource, index: number, crop?: RandomCrop): Promise<Uint8Array> {
  const out = new Uint8Array(src.height * src.width * 3);
  await src.readCrop(index, out, 0, crop);
  return out;
}

const pixel = (img: Uint8Array, size: number, y: number, x: number) => Array.from(img.subarray((y * size + x) * 3, (y * size + x) * 3 + 3));

test('image folder: classes by sorted folder name; evaluation is Resize(shorter) + CenterCrop, decoded lazily', async () => {
  const dir = join(root, 'set');
  const red: Rgb = [250, 10, 10];
  const blue: Rgb = [10, 10, 250];
  // 8 high, 16 wide, evaluation resize 8: no scaling, the centre crop keeps columns 4..11.
  await writePng(join(dir, 'train/cat/b.png'), 16, 8, (_, x) => (x < 8 ? red : blue));
  await writeJpeg(join(dir, 'train/cat/a.JPG'), 24, 24, () => [200, 100, 50]);
  await writePng(join(dir, 'train/ant/x.png'), 32, 32, (_, x) => (x % 2 === 0 ? [0, 0, 0] : [255, 255, 255]));
  await writePng(join(dir, 'train/bee/y.png'), 9, 9, () => [1, 2, 3]);
  write(join(dir, 'train/bee/notes.txt'), Buffer.from('not an image'));
  await writePng(join(dir, 'val/cat/v.png'), 20, 10, () => [7, 8, 9]);
  const ds = await loadDataset({ dataset: 'imagefolder', dir, imageSize: 8, evalResize: 8 });
  assert.deepEqual(ds.classNames, ['ant', 'bee', 'cat']);
  assert.equal(ds.numClasses, 3);
  assert.deepEqual(Array.from(ds.train.labels), [0, 1, 2, 2]);
  assert.deepEqual(Array.from(ds.test.labels), [2]);
  assert.deepEqual([ds.train.height, ds.train.width, ds.train.channels], [8, 8, 3]);

  // Alternating black/white columns downscaled 4x average to mid-grey: the filter widens.
  const stripes = await read(ds.train, 0);
  for (let y = 0; y < 8; y++) {
    for (let x = 1; x < 7; x++) {
      for (const v of pixel(stripes, 8, y, x)) assert.ok(Math.abs(v - 127.5) <= 2, `downscaled stripe value ${v} at (${y}, ${x})`);
    }
  }
  // A uniform image stays exactly uniform when downscaled (9 -> 8).
  const uniform = await read(ds.train, 1);
  for (let p = 0; p < 64; p++) assert.deepEqual(Array.from(uniform.subarray(3 * p, 3 * p + 3)), [1, 2, 3]);
  // JPEG is lossy: the uniform colour comes back within a few levels.
  const fromJpeg = await read(ds.train, 2);
  for (let p = 0; p < 64; p++) {
    [200, 100, 50].forEach((want, c) => assert.ok(Math.abs(fromJpeg[3 * p + c] - want) <= 3, `jpeg pixel ${p} channel ${c}: ${fromJpeg[3 * p + c]}`));
  }
  const halves = await read(ds.train, 3);
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) assert.deepEqual(pixel(halves, 8, y, x), x < 4 ? red : blue, `pixel (${y}, ${x})`);
  assert.deepEqual(pixel(await read(ds.test, 0), 8, 0, 0), [7, 8, 9]);
  // The default evaluation resize is ImageNet's 256 for 224.
  assert.equal((await loadDataset({ dataset: 'imagefolder', dir, imageSize: 224 })).train.evalResize, 256);
});

test('a random resized crop is the drawn box of the source, resized; the same key gives the same bytes', async () => {
  const dir = join(root, 'rrc');
  // Four quadrants of distinct colours, 64 x 48.
  const quad = (y: number, x: number): Rgb => (y < 24 ? (x < 32 ? [200, 0, 0] : [0, 200, 0]) : x < 32 ? [0, 0, 200] : [200, 200, 0]);
  await writePng(join(dir, 'train/a/q.png'), 64, 48, quad);
  await writePng(join(dir, 'val/a/q.png'), 64, 48, quad);
  const ds = await loadDataset({ dataset: 'imagefolder', dir, imageSize: 16 });
  const range = { scale: [0.08, 1] as [number, number], ratio: [3 / 4, 4 / 3] as [number, number] };
  for (const key of [1, 2, 3, 4, 5]) {
    const a = await read(ds.train, 0, { range, rng: streamFor(key, 'rrc') });
    const b = await read(ds.train, 0, { range, rng: streamFor(key, 'rrc') });
    assert.deepEqual(a, b);
    // The box the same draws give: its corners' quadrant colours are the output's corners' colours.
    const box = randomResizedCrop(64, 48, range, streamFor(key, 'rrc'));
    const corners: Array<[number, number, number, number]> = [
      [box.top, box.left, 0, 0],
      [box.top, box.left + box.width - 1, 0, 15],
      [box.top + box.height - 1, box.left, 15, 0],
      [box.top + box.height - 1, box.left + box.width - 1, 15, 15],
    ];
    for (const [sy, sx, oy, ox] of corners) {
      // Pixels next to a quadrant edge blend; only corners well inside a quadrant are compared.
      if (Math.abs(sy - 23.5) < box.height / 8 + 1 || Math.abs(sx - 31.5) < box.width / 8 + 1) continue;
      assert.deepEqual(pixel(a, 16, oy, ox), quad(sy, sx), `key ${key}, box ${JSON.stringify(box)}, corner (${oy}, ${ox})`);
    }
  }
});

test('greyscale, 16-bit, alpha and CMYK images all become 8-bit RGB', async () => {
  const dir = join(root, 'formats');
  const colour = (): Rgb => [180, 120, 60];
  const base = () => raw(12, 12, colour);
  const files = {
    grey: write(join(dir, 'train/a/grey.png'), await base().toColourspace('b-w').png().toBuffer()),
    greyJpeg: write(join(dir, 'train/a/grey.jpg'), await base().toColourspace('b-w').jpeg({ quality: 100 }).toBuffer()),
    sixteen: write(join(dir, 'train/a/sixteen.png'), await base().toColourspace('rgb16').png().toBuffer()),
    alpha: write(join(dir, 'train/a/alpha.png'), await base().ensureAlpha(1).png().toBuffer()),
    cmyk: write(join(dir, 'train/a/cmyk.jpg'), await base().toColourspace('cmyk').jpeg({ quality: 100 }).toBuffer()),
  };
  await writePng(join(dir, 'val/a/v.png'), 4, 4, colour);
  for (const [name, path] of Object.entries(files)) {
    const meta = await sharp(path).metadata();
    const want = { grey: ['b-w', 1], greyJpeg: ['b-w', 1], sixteen: ['rgb16', 3], alpha: ['srgb', 4], cmyk: ['cmyk', 4] }[name]!;
    assert.deepEqual([meta.space, meta.channels], want, `${name} was written as intended`);
  }
  const ds = await loadDataset({ dataset: 'imagefolder', dir, imageSize: 8 });
  const names = ds.train.files.map((f) => f.slice(f.lastIndexOf('/') + 1));
  for (let i = 0; i < ds.train.count; i++) {
    const img = await read(ds.train, i);
    const [r, g, b] = pixel(img, 8, 4, 4);
    if (names[i].startsWith('grey')) {
      // One grey level, the luma of the colour, in all three channels.
      assert.ok(r === g && g === b && Math.abs(r - 131) <= 3, `${names[i]}: ${[r, g, b]}`);
    } else {
      // CMYK goes through libvips' colour profile and back: some levels off.
      const tol = names[i].startsWith('cmyk') ? 20 : 1;
      [180, 120, 60].forEach((want, c) => assert.ok(Math.abs([r, g, b][c] - want) <= tol, `${names[i]} channel ${c}: ${[r, g, b]}`));
    }
  }
});

/** A JPEG whose frame header (SOF0) says width x height: the size a decoder would allocate for. */
function resizedHeader(jpeg: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(jpeg);
  const sof = out.indexOf(Buffer.from([0xff, 0xc0]));
  assert.ok(sof > 0, 'baseline JPEG has a SOF0 marker');
  out.writeUInt16BE(height, sof + 5);
  out.writeUInt16BE(width, sof + 7);
  return out;
}

test('bad images: each an error naming the file and the rank, or skipped and listed with skipBadImages', async () => {
  const dir = join(root, 'bad');
  const good = await writeJpeg(join(dir, 'train/a/0-good.jpg'), 40, 30, (y, x) => [x * 6, y * 8, 100]);
  const whole = await raw(40, 30, (y, x) => [x * 6, y * 8, 100]).jpeg({ quality: 90 }).toBuffer();
  const bad = {
    truncated: write(join(dir, 'train/a/1-truncated.jpg'), whole.subarray(0, Math.floor(whole.length * 0.6))),
    corrupt: write(join(dir, 'train/a/2-corrupt.jpg'), Buffer.concat([whole.subarray(0, whole.length - 200), Buffer.from([0xff, 0xd0, 0xff, 0x99]), whole.subarray(whole.length - 196)])),
    empty: write(join(dir, 'train/a/3-empty.png'), Buffer.alloc(0)),
    text: write(join(dir, 'train/a/4-text.png'), Buffer.from('definitely not a png\n')),
    huge: write(join(dir, 'train/a/5-huge.jpg'), resizedHeader(whole, 20_000, 20_000)),
  };
  await writePng(join(dir, 'val/a/t.png'), 16, 16, () => [5, 5, 5]);
  const ds = await loadDataset({ dataset: 'imagefolder', dir, imageSize: 8 });
  assert.equal(ds.train.files[0], good);
  const messages = {
    truncated: `rank 1: ${bad.truncated}: corrupt or truncated image: Premature end of JPEG file`,
    corrupt: `rank 1: ${bad.corrupt}: corrupt or truncated image: Bogus Huffman table definition`,
    empty: `rank 1: ${bad.empty}: empty file`,
    text: `rank 1: ${bad.text}: not an image file libvips can read`,
    huge: `rank 1: ${bad.huge}: image of 20000x20000 pixels is over the limit of ${MAX_IMAGE_PIXELS} pixels`,
  };
  const norm = { mean: ds.mean, std: ds.std, rank: 1 };
  const pf = new Prefetcher(ds.train, { ...norm, workers: 1 });
  try {
    // Each bad file fails only its own batch; the good image still reads after them.
    const order = Object.keys(bad) as Array<keyof typeof bad>;
    pf.schedule([...order.map((_, i) => ({ indices: Int32Array.of(0, i + 1) })), { indices: Int32Array.of(0) }]);
    for (const name of order) {
      await assert.rejects(pf.next(), (e: Error) => {
        assert.ok(e instanceof DataError, `${name}: ${e.name}`);
        assert.equal(e.message, messages[name]);
        assert.ok(!e.message.includes('\n'), 'one line');
        return true;
      });
    }
    assert.equal((await pf.next()).y.length, 1);
  } finally {
    await pf.close();
  }

  const skipping = new Prefetcher(ds.train, { ...norm, workers: 1, skipBadImages: true });
  try {
    skipping.schedule([{ indices: Int32Array.of(3, 0, 1, 2, 4, 5, 0) }]);
    const b = await skipping.next();
    assert.deepEqual(b.skipped, [bad.empty, bad.truncated, bad.corrupt, bad.text, bad.huge]);
    assert.equal(b.y.length, 2);
    assert.equal(b.x.length, 2 * 8 * 8 * 3);
  } finally {
    await skipping.close();
  }
});

test('image folder layout errors name the folder', async () => {
  const noTrain = join(root, 'no-train');
  mkdirSync(noTrain);
  await assert.rejects(loadDataset({ dataset: 'imagefolder', dir: noTrain }), new DataError(`${noTrain}: no train/ folder`));

  const stray = join(root, 'stray');
  await writePng(join(stray, 'train/a/1.png'), 4, 4, () => [0, 0, 0]);
  await writePng(join(stray, 'val/zebra/1.png'), 4, 4, () => [0, 0, 0]);
  await assert.rejects(
    loadDataset({ dataset: 'imagefolder', dir: stray }),
    new DataError(`${join(stray, 'val/zebra')}: class folder not present in the train split`),
  );

  const empty = join(root, 'empty-class');
  await writePng(join(empty, 'train/a/1.png'), 4, 4, () => [0, 0, 0]);
  mkdirSync(join(empty, 'train/b'));
  await writePng(join(empty, 'val/a/1.png'), 4, 4, () => [0, 0, 0]);
  await assert.rejects(
    loadDataset({ dataset: 'imagefolder', dir: empty }),
    new DataError(`${join(empty, 'train/b')}: class folder has no .jpg/.jpeg/.png images`),
  );
});
