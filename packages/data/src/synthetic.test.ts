import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadDataset, type ImageSource } from './index.js';

const small = { height: 8, width: 6, channels: 2, numClasses: 4, trainCount: 200, testCount: 40, seed: 3 };

function allPixels(src: ImageSource): Uint8Array {
  const size = src.height * src.width * src.channels;
  const out = new Uint8Array(src.count * size);
  for (let i = 0; i < src.count; i++) src.readInto(i, out, i * size);
  return out;
}

test('synthetic data has the configured shape and is deterministic from the seed', async () => {
  const a = await loadDataset({ dataset: 'synthetic', synthetic: small });
  const b = await loadDataset({ dataset: 'synthetic', synthetic: small });
  const c = await loadDataset({ dataset: 'synthetic', synthetic: { ...small, seed: 4 } });
  assert.deepEqual([a.train.height, a.train.width, a.train.channels, a.train.count, a.test.count, a.numClasses], [8, 6, 2, 200, 40, 4]);
  assert.deepEqual(allPixels(a.train), allPixels(b.train));
  assert.deepEqual(allPixels(a.test), allPixels(b.test));
  assert.notDeepEqual(allPixels(a.train), allPixels(c.train));
  assert.deepEqual(Array.from(a.train.labels.subarray(0, 6)), [0, 1, 2, 3, 0, 1]);
  assert.equal(a.mean.length, 2);
  assert.ok(a.std.every((s) => s > 0));
});

test('synthetic classes are learnable: nearest class mean classifies the test split', async () => {
  const ds = await loadDataset({ dataset: 'synthetic', synthetic: small });
  const size = 8 * 6 * 2;
  const train = allPixels(ds.train);
  const means = Array.from({ length: 4 }, () => new Float64Array(size));
  for (let i = 0; i < ds.train.count; i++) {
    for (let p = 0; p < size; p++) means[ds.train.labels[i]][p] += train[i * size + p] / (ds.train.count / 4);
  }
  const test = allPixels(ds.test);
  let correct = 0;
  for (let i = 0; i < ds.test.count; i++) {
    const dist = means.map((m) => m.reduce((d, v, p) => d + (v - test[i * size + p]) ** 2, 0));
    if (dist.indexOf(Math.min(...dist)) === ds.test.labels[i]) correct++;
  }
  assert.ok(correct / ds.test.count > 0.9, `accuracy ${correct}/${ds.test.count}`);
});

test('synthetic images are made at data.image_size when it is given, 32x32 otherwise', async () => {
  const sized = await loadDataset({ dataset: 'synthetic', imageSize: 8, synthetic: { trainCount: 4, testCount: 2 } });
  assert.deepEqual([sized.train.height, sized.train.width, sized.train.channels], [8, 8, 3]);
  const plain = await loadDataset({ dataset: 'synthetic', synthetic: { trainCount: 4, testCount: 2 } });
  assert.deepEqual([plain.train.height, plain.train.width], [32, 32]);
});
