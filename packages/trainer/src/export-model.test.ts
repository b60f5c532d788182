import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadLayersModel } from '@tensorflow/tfjs-layers';
import { buildModel } from '@rwp/models';
import { exportLayersModel } from './export-model.js';

await tf.setBackend('cpu');

test('the exported model.json + weights.bin load with tf.loadLayersModel and predict the same', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rwp-export-'));
  const model = buildModel({ arch: 'resnet20', inputShape: [8, 8, 3], numClasses: 4, seed: 3, width: 0.25 });
  const path = await exportLayersModel(model, dir);
  const json = JSON.parse(readFileSync(path, 'utf8'));
  assert.equal(json.format, 'layers-model');
  assert.deepEqual(json.weightsManifest[0].paths, ['weights.bin']);
  // What tf.loadLayersModel('file://...') does in tfjs-node, with the files read here.
  const bytes = readFileSync(join(dir, 'weights.bin'));
  const loaded = await loadLayersModel({
    load: async () => ({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0].weights,
      weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      format: json.format,
    }),
  });
  const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 7);
  const a = (model.predict(x) as tf.Tensor).dataSync();
  const b = (loaded.predict(x) as tf.Tensor).dataSync();
  assert.deepEqual(Array.from(b), Array.from(a));
});
