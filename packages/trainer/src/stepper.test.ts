import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { connect } from '@rwp/collective';
import { freePort } from '@rwp/process-group';
import { resolveConfig } from './config.js';
import { Stepper } from './stepper.js';
import { lossGradient, type Batch } from './gradients.js';
import { freshState, randomBatch as batch } from './testing/train-states.js';

await tf.setBackend('cpu');
const single = await connect({ rank: 0, worldSize: 1, masterAddr: '127.0.0.1', masterPort: 1, runId: 'unit' });

function union(a: Batch, b: Batch): Batch {
  const x = new Float32Array(a.x.length + b.x.length);
  x.set(a.x);
  x.set(b.x, a.x.length);
  const y = new Int32Array(a.y.length + b.y.length);
  y.set(a.y);
  y.set(b.y, a.y.length);
  return { x, y, shape: a.shape };
}

const plan = (method: Record<string, unknown>, lr = 0.1) => {
  const c = resolveConfig({ method });
  return { method: c.method, lr, momentum: 0.9, weightDecay: 0, classes: 3 };
};

test('RWP with gamma 0 is plain SGD on the union of the two mini-batches', async () => {
  const b0 = batch(8, 1);
  const b1 = batch(8, 2);
  const rwp = await freshState();
  const sgd = await freshState();
  assert.deepEqual(rwp.weights, sgd.weights);
  const rwpPlan = plan({ name: 'rwp', gamma: 0, alpha: 0.5 });
  const sgdPlan = plan({ name: 'sgd' });
  for (let i = 0; i < 3; i++) {
    await new Stepper(rwp, single, rwpPlan.method, 1, 100).step(rwpPlan, [b0, b1]);
    await new Stepper(sgd, single, sgdPlan.method, 1, 100).step(sgdPlan, [union(b0, b1)]);
  }
  let diff = 0;
  for (let i = 0; i < rwp.weights.length; i++) diff = Math.max(diff, Math.abs(rwp.weights[i] - sgd.weights[i]));
  assert.ok(diff < 1e-6, `weights differ by ${diff}`);
  const initial = (await freshState()).weights;
  assert.ok(rwp.weights.some((w, i) => w !== initial[i]), 'the weights moved');
});

test('a perturbed pass leaves the clean weights and the BatchNorm statistics exactly as they were', async () => {
  const s = await freshState('resnet20');
  const before = s.weights.slice();
  const statsBefore = await s.buffers.read();
  const p = plan({ name: 'rwp', gamma: 0.5, alpha: 1 }, 0);
  // alpha 1, lr 0: only the perturbed gradient counts, and the step does not move the weights.
  const b = batch(4, 3, [8, 8, 3]);
  const withClean = new Stepper(s, single, p.method, 1, 100);
  await withClean.step(p, [b, b]);
  assert.deepEqual(s.weights, before);
  assert.deepEqual(await s.trainable.read(), before, 'the model holds the clean weights again');
  // The clean pass of sequential RWP updates the statistics; the perturbed one must not add to it.
  const afterOne = await s.buffers.read();
  assert.notDeepEqual(afterOne, statsBefore);
  const s2 = await freshState('resnet20');
  const sgdPlan = plan({ name: 'sgd' }, 0);
  await new Stepper(s2, single, sgdPlan.method, 1, 100).step(sgdPlan, [b]);
  assert.deepEqual(await s2.buffers.read(), afterOne, 'statistics are those of the clean forward alone');
});

test('SAM takes its step from the clean weights with the gradient at the ascent point', async () => {
  const s = await freshState();
  const w0 = s.weights.slice();
  const b = batch(8, 4);
  const p = plan({ name: 'sam', rho: 0.05 }, 0.1);
  await new Stepper(s, single, p.method, 1, 100).step(p, [b]);
  const sgd = await freshState();
  const sp = plan({ name: 'sgd' }, 0.1);
  await new Stepper(sgd, single, sp.method, 1, 100).step(sp, [b]);
  assert.notDeepEqual(s.weights, sgd.weights, 'the ascent changes the gradient');
  assert.notDeepEqual(s.weights, w0);
  assert.deepEqual(await s.trainable.read(), s.weights, 'the model holds the updated clean weights');
});

test("a perturbed rank of a parallel run leaves the update to its next perturbation's write; syncModel puts it in", async () => {
  const port = await freePort();
  const opts = { worldSize: 2, masterAddr: '127.0.0.1', masterPort: port, runId: 'stepper-pair', timeoutMs: 20_000 };
  const comms = await Promise.all([connect({ ...opts, rank: 0 }), connect({ ...opts, rank: 1 })]);
  try {
    const states = [await freshState(), await freshState()];
    const p = plan({ name: 'rwp', gamma: 0.05 });
    const steppers = states.map((s, r) => new Stepper(s, comms[r], p.method, 1, 100));
    for (let i = 0; i < 2; i++) await Promise.all(steppers.map((st, r) => st.step(p, [batch(8, 20 + 2 * i + r)])));
    steppers.forEach((st) => st.close());
    assert.deepEqual(states[1].weights, states[0].weights, 'both ranks hold the same clean weights');
    assert.deepEqual(await states[0].trainable.read(), states[0].weights, "the clean rank's model holds them");
    const held = await states[1].trainable.read();
    assert.notDeepEqual(held, states[1].weights, "the perturbed rank's model still holds its last perturbation");
    steppers[1].syncModel();
    assert.deepEqual(await states[1].trainable.read(), states[1].weights, 'after syncModel it holds the clean weights');
  } finally {
    await Promise.all(comms.map((c) => c.close()));
  }
});

test('no tensors leak across steps', async () => {
  const s = await freshState();
  const p = plan({ name: 'rwp', gamma: 0.01 });
  const stepper = new Stepper(s, single, p.method, 1, 100);
  const b = [batch(4, 5), batch(4, 6)];
  await stepper.step(p, b);
  const n = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) await stepper.step(p, b);
  assert.equal(tf.memory().numTensors, n);
});

test('ARWP with eta 0 takes exactly the steps of RWP', async () => {
  const b = [batch(8, 7), batch(8, 8)];
  const rwp = await freshState();
  const arwp = await freshState();
  const rp = plan({ name: 'rwp', gamma: 0.05 });
  const ap = plan({ name: 'arwp', gamma: 0.05, eta: 0 });
  const rs = new Stepper(rwp, single, rp.method, 1, 100);
  const as = new Stepper(arwp, single, ap.method, 1, 100);
  for (let i = 0; i < 3; i++) {
    await rs.step(rp, b);
    await as.step(ap, b);
  }
  assert.deepEqual(arwp.weights, rwp.weights);
  assert.ok(arwp.fisher.some((f) => f > 0), 'F still accumulates');
  assert.ok(rwp.fisher.every((f) => f === 0), 'RWP leaves F alone');
});

test("ARWP's F is beta F + per-filter squares of the perturbed pass's own gradient (gamma 0: the clean gradient of the second batch)", async () => {
  const b0 = batch(8, 9);
  const b1 = batch(8, 10);
  const s = await freshState();
  // alpha 0.25: the perturbed pass computes the gradient of 0.5 * loss; F wants the loss's own.
  const p = plan({ name: 'arwp', gamma: 0, alpha: 0.25, beta: 0.9 }, 0.1);
  const stepper = new Stepper(s, single, p.method, 1, 100);
  const expected = new Float64Array(s.fisher.length);
  for (let k = 0; k < 2; k++) {
    const g = new Float32Array(s.weights.length);
    await lossGradient(s.model, s.trainable, b1, 1, 3, g);
    let at = 0;
    for (const slot of s.trainable.slots) {
      const out = slot.shape.length >= 2 ? slot.shape[slot.shape.length - 1] : slot.size;
      for (let j = 0; j < out; j++) {
        let sq = 0;
        for (let i = j; i < slot.size; i += out) sq += g[slot.offset + i] ** 2;
        expected[at + j] = 0.9 * expected[at + j] + sq;
      }
      at += out;
    }
    await stepper.step(p, [b0, b1]);
  }
  for (let j = 0; j < expected.length; j++) assert.ok(Math.abs(s.fisher[j] - expected[j]) <= 1e-5 * expected[j] + 1e-9, `F[${j}] ${s.fisher[j]} != ${expected[j]}`);
});
