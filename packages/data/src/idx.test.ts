import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DataError, loadDataset } from './index.js';
import { FASHION_MNIST_DIRS } from './idx-dataset.js';

const root = mkdtempSync(join(tmpdir(), 'rwp-idx-'));
after(() => rmSync(root, { recursive: true, force: true }));

function idxBytes(dims: number[], data: Uint8Array, magic = 0x0800 + dims.length): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

interface Split {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

function makeSplit(count: number, side: number, salt: number): Split {
  const images = new Uint8Array(count * side * side).map((_, i) => (i * 7 + salt) % 256);
  const labels = new Uint8Array(count).map((_, i) => (i + salt) % 10);
  return { images, labels, count };
}

/** Writes an MNIST-layout directory; `gzip` compresses every file. */
function writeMnist(name: string, gzip: boolean, side = 5): { dir: string; train: Split; test: Split } {
  const dir = join(root, name);
  mkdirSync(dir);
  const train = makeSplit(12, side, 1);
  const test = makeSplit(4, side, 2);
  const write = (base: string, bytes: Buffer) => writeFileSync(join(dir, gzip ? `${base}.gz` : base), gzip ? gzipSync(bytes) : bytes);
  for (const [prefix, split] of [['train', train], ['t10k', test]] as const) {
    write(`${prefix}-images-idx3-ubyte`, idxBytes([split.count, side, side], split.images));
    write(`${prefix}-labels-idx1-ubyte`, idxBytes([split.count], split.labels));
  }
  return { dir, train, test };
}

for (const gzip of [false, true]) {
  test(`IDX ${gzip ? 'gzipped' : 'raw'} files load with their pixels and labels`, async () => {
    const { dir, train, test: testSplit } = writeMnist(gzip ? 'gz' : 'raw', gzip);
    const ds = await loadDataset({ dataset: 'mnist', dir });
    assert.equal(ds.numClasses, 10);
    assert.deepEqual([ds.train.count, ds.train.height, ds.train.width, ds.train.channels], [12, 5, 5, 1]);
    assert.equal(ds.test.count, 4);
    assert.deepEqual(Array.from(ds.train.labels), Array.from(train.labels));
    assert.deepEqual(Array.from(ds.test.labels), Array.from(testSplit.labels));
    const img = new Uint8Array(25);
    ds.train.readInto(7, img, 0);
    assert.deepEqual(img, train.images.subarray(7 * 25, 8 * 25));
  });
}

async function loadError(dir: string): Promise<DataError> {
  try {
    await loadDataset({ dataset: 'mnist', dir });
  } catch (e) {
    assert.ok(e instanceof DataError, `expected DataError, got ${e}`);
    return e;
  }
  assert.fail('expected an error');
}

test('a wrong IDX magic is an error naming the file', async () => {
  const { dir, train } = writeMnist('magic', false);
  const path = join(dir, 'train-labels-idx1-ubyte');
  writeFileSync(path, idxBytes([train.count], train.labels, 0x0901));
  const err = await loadError(dir);
  assert.match(err.message, new RegExp(`^${path}: bad IDX magic 0x00000901`));
});

test('truncated IDX data is an error naming the file', async () => {
  const { dir, train } = writeMnist('truncated', false);
  const path = join(dir, 'train-images-idx3-ubyte');
  writeFileSync(path, idxBytes([train.count, 5, 5], train.images.subarray(0, 100)));
  const err = await loadError(dir);
  assert.match(err.message, new RegExp(`^${path}: truncated: dimensions 12x5x5 need 300 data bytes, found 100`));
});

test('a truncated gzip stream is an error naming the file', async () => {
  const { dir } = writeMnist('truncated-gz', true);
  const path = join(dir, 't10k-images-idx3-ubyte.gz');
  const whole = gzipSync(idxBytes([4, 5, 5], new Uint8Array(100)));
  writeFileSync(path, whole.subarray(0, whole.length - 12));
  const err = await loadError(dir);
  assert.match(err.message, new RegExp(`^${path}: corrupt or truncated gzip`));
});

test('label and image counts that differ are an error naming both files', async () => {
  const { dir, test: t } = writeMnist('counts', false);
  const path = join(dir, 't10k-labels-idx1-ubyte');
  writeFileSync(path, idxBytes([3], t.labels.subarray(0, 3)));
  const err = await loadError(dir);
  assert.match(err.message, /t10k-labels-idx1-ubyte: 3 labels but .*t10k-images-idx3-ubyte has 4 images/);
});

test('a label outside 0-9 is an error naming the file', async () => {
  const { dir, train } = writeMnist('label', false);
  const labels = Uint8Array.from(train.labels);
  labels[5] = 10;
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idxBytes([train.count], labels));
  const err = await loadError(dir);
  assert.match(err.message, /train-labels-idx1-ubyte: label 10 at index 5/);
});

test('a directory without IDX files is an error naming it', async () => {
  const dir = join(root, 'empty');
  mkdirSync(dir);
  const err = await loadError(dir);
  assert.match(err.message, new RegExp(`no train-images-idx3-ubyte\\(\\.gz\\) in ${dir}`));
});

const installed = FASHION_MNIST_DIRS.find((d) => existsSync(join(d, 'train-images-idx3-ubyte.gz')));
test('the real Fashion-MNIST loads from the Debian package', { skip: installed ? false : 'Debian package dataset-fashion-mnist is not installed' }, async () => {
  const ds = await loadDataset({ dataset: 'fashion-mnist' });
  assert.deepEqual([ds.train.count, ds.test.count], [60000, 10000]);
  assert.deepEqual([ds.train.height, ds.train.width, ds.train.channels], [28, 28, 1]);
  for (const split of [ds.train, ds.test]) {
    const counts = new Array(10).fill(0);
    for (const l of split.labels) counts[l]++;
    // Fashion-MNIST is balanced: every class 0-9 has a tenth of each split.
    assert.deepEqual(counts, new Array(10).fill(split.count / 10));
  }
  assert.deepEqual(ds.mean, [0.286]);
  assert.deepEqual(ds.std, [0.353]);
});
