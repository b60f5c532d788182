import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DataError, loadDataset } from './index.js';

const root = mkdtempSync(join(tmpdir(), 'rwp-folder-'));
after(() => rmSync(root, { recursive: true, force: true }));

type Rgb = [number, number, number];

/** RGBA pixels of a width x height image whose colour at (y, x) is `colour(y, x)`. */
function rgba(width: number, height: number, colour: (y: number, x: number) => Rgb): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data.set([...colour(y, x), 255], (y * width + x) * 4);
    }
  }
  return data;
}

function write(path: string, bytes: Buffer): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return path;
}

function writePng(path: string, width: number, height: number, colour: (y: number, x: number) => Rgb): string {
  return write(path, PNG.sync.write({ width, height, data: rgba(width, height, colour) } as PNG));
}

function writeJpeg(path: string, width: number, height: number, colour: (y: number, x: number) => Rgb): string {
  return write(path, jpeg.encode({ width, height, data: rgba(width, height, colour) }, 95).data);
}

function read(src: { readInto(i: number, out: Uint8Array, o: number): void; height: number; width: number }, index: number): Uint8Array {
  const out = new Uint8Array(src.height * src.width * 3);
  src.readInto(index, out, 0);
  return out;
}

test('image folder: classes by sorted folder name, JPEG and PNG decoded lazily to the requested size', async () => {
  const dir = join(root, 'set');
  const red: Rgb = [250, 10, 10];
  const blue: Rgb = [10, 10, 250];
  // 8 high, 16 wide: shorter side already 8, so the centre crop keeps columns 4..11 unscaled.
  writePng(join(dir, 'train/cat/b.png'), 16, 8, (_, x) => (x < 8 ? red : blue));
  writeJpeg(join(dir, 'train/cat/a.JPG'), 24, 24, () => [200, 100, 50]);
  writePng(join(dir, 'train/ant/x.png'), 32, 32, (_, x) => (x % 2 === 0 ? [0, 0, 0] : [255, 255, 255]));
  writePng(join(dir, 'train/bee/y.png'), 9, 9, () => [1, 2, 3]);
  write(join(dir, 'train/bee/notes.txt'), Buffer.from('not an image'));
  writePng(join(dir, 'val/cat/v.png'), 20, 10, () => [7, 8, 9]);
  const ds = await loadDataset({ dataset: 'imagefolder', dir, imageSize: 8 });
  assert.deepEqual(ds.classNames, ['ant', 'bee', 'cat']);
  assert.equal(ds.numClasses, 3);
  assert.deepEqual(Array.from(ds.train.labels), [0, 1, 2, 2]);
  assert.deepEqual(Array.from(ds.test.labels), [2]);
  assert.deepEqual([ds.train.height, ds.train.width, ds.train.channels], [8, 8, 3]);

  // Alternating black/white columns downscaled 4x average to mid-grey (away from the border,
  // where the filter is cut short).
  const stripes = read(ds.train, 0);
  for (let y = 0; y < 8; y++) {
    for (let x = 1; x < 7; x++) {
      for (let c = 0; c < 3; c++) {
        const v = stripes[(y * 8 + x) * 3 + c];
        assert.ok(v === 127 || v === 128, `downscaled stripe value ${v} at (${y}, ${x})`);
      }
    }
  }
  // A uniform image stays exactly uniform when downscaled (9 -> 8).
  for (let p = 0; p < 64; p++) assert.deepEqual(Array.from(read(ds.train, 1).subarray(3 * p, 3 * p + 3)), [1, 2, 3]);
  // JPEG is lossy: the uniform colour comes back within a few levels.
  const fromJpeg = read(ds.train, 2);
  for (let p = 0; p < 64; p++) {
    [200, 100, 50].forEach((want, c) => assert.ok(Math.abs(fromJpeg[3 * p + c] - want) <= 3, `jpeg pixel ${p} channel ${c}: ${fromJpeg[3 * p + c]}`));
  }
  const halves = read(ds.train, 3);
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      assert.deepEqual(Array.from(halves.subarray((y * 8 + x) * 3, (y * 8 + x) * 3 + 3)), x < 4 ? red : blue, `pixel (${y}, ${x})`);
    }
  }
  assert.deepEqual(Array.from(read(ds.test, 0).subarray(0, 3)), [7, 8, 9]);
});

test('a corrupt image is an error naming the file when it is read', async () => {
  const dir = join(root, 'corrupt');
  writeJpeg(join(dir, 'train/a/good.jpg'), 16, 16, () => [5, 5, 5]);
  const whole = jpeg.encode({ width: 16, height: 16, data: rgba(16, 16, () => [5, 5, 5]) }, 90).data;
  const truncated = write(join(dir, 'train/a/truncated.jpg'), whole.subarray(0, 100));
  const bogus = write(join(dir, 'train/b/bogus.png'), Buffer.from('definitely not a png'));
  writeJpeg(join(dir, 'test/a/t.jpg'), 16, 16, () => [5, 5, 5]);
  const ds = await loadDataset({ dataset: 'imagefolder', dir, imageSize: 4 });
  assert.equal(ds.test.count, 1);
  const out = new Uint8Array(4 * 4 * 3);
  // The intact image still reads: errors are per file.
  ds.train.readInto(0, out, 0);
  assert.deepEqual(Array.from(out.subarray(0, 3)), [5, 5, 5]);
  assert.throws(() => ds.train.readInto(1, out, 0), (e: Error) => e instanceof DataError && e.message.startsWith(`${truncated}: corrupt image`));
  assert.throws(() => ds.train.readInto(2, out, 0), new DataError(`${bogus}: not a JPEG or PNG file`));
});

test('image folder layout errors name the folder', async () => {
  const noTrain = join(root, 'no-train');
  mkdirSync(noTrain);
  await assert.rejects(loadDataset({ dataset: 'imagefolder', dir: noTrain }), new DataError(`${noTrain}: no train/ folder`));

  const stray = join(root, 'stray');
  writePng(join(stray, 'train/a/1.png'), 4, 4, () => [0, 0, 0]);
  writePng(join(stray, 'val/zebra/1.png'), 4, 4, () => [0, 0, 0]);
  await assert.rejects(
    loadDataset({ dataset: 'imagefolder', dir: stray }),
    new DataError(`${join(stray, 'val/zebra')}: class folder not present in the train split`),
  );

  const empty = join(root, 'empty-class');
  writePng(join(empty, 'train/a/1.png'), 4, 4, () => [0, 0, 0]);
  mkdirSync(join(empty, 'train/b'));
  writePng(join(empty, 'val/a/1.png'), 4, 4, () => [0, 0, 0]);
  await assert.rejects(
    loadDataset({ dataset: 'imagefolder', dir: empty }),
    new DataError(`${join(empty, 'train/b')}: class folder has no .jpg/.jpeg/.png images`),
  );
});
