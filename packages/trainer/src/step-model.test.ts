import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { buildModel } from '@rwp/models';
import { streamFor } from '@rwp/random';
import { evaluateBatch, type Batch } from './gradients.js';
import { stepModel } from './step-model.js';

await tf.setBackend('cpu');

test("stepModel's SGD trains the model it is given on its batch", async () => {
  const model = buildModel({ arch: 'mlp', inputShape: [4, 4, 1], numClasses: 3, seed: 5, width: 1 / 32 });
  const rng = streamFor(4, 'step-model');
  const batch: Batch = { x: rng.fillNormal(new Float32Array(16 * 16)), y: Int32Array.from({ length: 16 }, (_, i) => i % 3), shape: [4, 4, 1] };
  const before = await evaluateBatch(model, batch, 3);
  const { step, close } = await stepModel(model, { name: 'sgd' }, 3);
  for (let i = 0; i < 30; i++) await step([batch]);
  await close();
  const after = await evaluateBatch(model, batch, 3);
  assert.ok(after.loss < before.loss * 0.8, `loss ${before.loss} -> ${after.loss}: the model's own weights should have been trained`);
});
