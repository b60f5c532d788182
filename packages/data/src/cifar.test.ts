import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DataError, loadDataset, type ImageSource } from './index.js';

const root = mkdtempSync(join(tmpdir(), 'rwp-cifar-'));
after(() => rmSync(root, { recursive: true, force: true }));

const PLANE = 1024;

/** `count` records of `labelBytes` label bytes then a CHW image; returns the file bytes. */
function records(count: number, labelBytes: number, salt: number): Buffer {
  const rec = labelBytes + 3 * PLANE;
  const buf = Buffer.alloc(count * rec);
  for (let r = 0; r < count; r++) {
    for (let l = 0; l < labelBytes; l++) buf[r * rec + l] = (r + salt + l) % 10;
    for (let i = 0; i < 3 * PLANE; i++) buf[r * rec + labelBytes + i] = (i * 31 + r * 17 + salt) % 251;
  }
  return buf;
}

/** Checks every pixel of `src` image `index` at HWC (y, x, c) equals CHW byte c*1024 + y*32 + x of the record. */
function assertHwcMatches(src: ImageSource, index: number, file: Buffer, record: number, labelBytes: number): void {
  const img = new Uint8Array(32 * 32 * 3);
  src.readInto(index, img, 0);
  const base = record * (labelBytes + 3 * PLANE) + labelBytes;
  for (let y = 0; y < 32; y++) {
    for (let x = 0; x < 32; x++) {
      for (let c = 0; c < 3; c++) {
        assert.equal(img[(y * 32 + x) * 3 + c], file[base + c * PLANE + y * 32 + x], `pixel (${y}, ${x}, ${c})`);
      }
    }
  }
  assert.equal(src.labels[index], file[record * (labelBytes + 3 * PLANE) + labelBytes - 1]);
}

test('CIFAR-10 batches round-trip CHW to HWC, from the batches subfolder', async () => {
  const dir = join(root, 'c10', 'cifar-10-batches-bin');
  mkdirSync(dir, { recursive: true });
  const batches = [1, 2, 3, 4, 5].map((i) => records(3, 1, i));
  batches.forEach((b, i) => writeFileSync(join(dir, `data_batch_${i + 1}.bin`), b));
  const testFile = records(2, 1, 9);
  writeFileSync(join(dir, 'test_batch.bin'), testFile);
  writeFileSync(join(dir, 'batches.meta.txt'), 'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n');
  const ds = await loadDataset({ dataset: 'cifar10', dir: join(root, 'c10') });
  assert.deepEqual([ds.train.count, ds.test.count, ds.numClasses], [15, 2, 10]);
  assert.deepEqual([ds.train.height, ds.train.width, ds.train.channels], [32, 32, 3]);
  assert.equal(ds.classNames?.[9], 'truck');
  assert.deepEqual(ds.mean, [0.4914, 0.4822, 0.4465]);
  assert.deepEqual(ds.std, [0.2023, 0.1994, 0.201]);
  // Image 7 is the second record of data_batch_3.
  assertHwcMatches(ds.train, 7, batches[2], 1, 1);
  assertHwcMatches(ds.test, 1, testFile, 1, 1);
});

test('CIFAR-100 uses the fine label (second byte) and accepts the directory itself', async () => {
  const dir = join(root, 'c100');
  mkdirSync(dir);
  const train = records(4, 2, 3);
  const testFile = records(2, 2, 5);
  writeFileSync(join(dir, 'train.bin'), train);
  writeFileSync(join(dir, 'test.bin'), testFile);
  const ds = await loadDataset({ dataset: 'cifar100', dir });
  assert.deepEqual([ds.train.count, ds.test.count, ds.numClasses], [4, 2, 100]);
  assert.equal(ds.classNames, undefined);
  assertHwcMatches(ds.train, 3, train, 3, 2);
  assertHwcMatches(ds.test, 0, testFile, 0, 2);
});

test('a CIFAR file that is not whole records is an error naming the file', async () => {
  const dir = join(root, 'bad-size');
  mkdirSync(dir);
  writeFileSync(join(dir, 'train.bin'), records(2, 2, 0));
  const path = join(dir, 'test.bin');
  writeFileSync(path, records(2, 2, 0).subarray(0, 5000));
  await assert.rejects(loadDataset({ dataset: 'cifar100', dir }), (e: Error) => {
    assert.ok(e instanceof DataError);
    assert.equal(e.message, `${path}: 5000 bytes is not a whole number of 3074-byte records`);
    return true;
  });
});

test('a missing CIFAR-10 batch is an error naming it', async () => {
  const dir = join(root, 'missing');
  mkdirSync(dir);
  writeFileSync(join(dir, 'data_batch_1.bin'), records(1, 1, 0));
  await assert.rejects(loadDataset({ dataset: 'cifar10', dir }), new DataError(`${join(dir, 'data_batch_2.bin')}: missing`));
});

test('a directory without CIFAR files is an error naming it', async () => {
  await assert.rejects(loadDataset({ dataset: 'cifar10', dir: root }), (e: Error) => e instanceof DataError && e.message.startsWith(`${root}: no data_batch_1.bin`));
});
