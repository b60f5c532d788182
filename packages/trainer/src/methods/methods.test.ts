// Every registered method's step run with the addon's host kernels and with their JS twins: the
// same bits in the weights, the momentum, ARWP's F and the model, so a change to a JS formula
// that its C++ kernel does not follow (or the reverse) fails here, whichever method uses it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { nativeSgdUpdate } from '@rwp/native/host-kernels';
import { connect } from '@rwp/collective';
import { resolveConfig } from '../config.js';
import { Stepper, type TrainState } from '../stepper.js';
import { freshState, randomBatch } from '../testing/train-states.js';
import { METHOD_NAMES, methodNamed, type MethodName } from './index.js';
import { kernelsFor, type KernelChoice } from './kernels.js';

await tf.setBackend('cpu');
const single = await connect({ rank: 0, worldSize: 1, masterAddr: '127.0.0.1', masterPort: 1, runId: 'methods' });
const skip = nativeSgdUpdate() === null ? 'the native addon is not built (npm run build:native -w @rwp/native)' : false;

/** Settings that put each method's own maths to work (large noise, ARWP's F felt); a method not listed runs at its defaults. */
const SETTINGS: Partial<Record<MethodName, Record<string, unknown>>> = {
  sam: { rho: 0.5, adaptive: true },
  rwp: { gamma: 0.1, sigma_inc: 2 },
  arwp: { gamma: 0.1, eta: 5, beta: 0.9 },
};

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

async function run(name: MethodName, kernels: KernelChoice): Promise<TrainState> {
  const state = await freshState('resnet20');
  const { method } = resolveConfig({ method: { name, ...SETTINGS[name] } });
  const stepper = new Stepper(state, single, method, 3, 8, kernels);
  const plan = { lr: 0.1, momentum: 0.9, weightDecay: 5e-4, classes: 3 };
  for (let i = 0; i < 3; i++) await stepper.step(plan, [randomBatch(4, 2 * i, [8, 8, 3]), randomBatch(4, 2 * i + 1, [8, 8, 3])]);
  stepper.close();
  return state;
}

for (const name of METHOD_NAMES) {
  test(`${name}: three steps with the addon's kernels and with JS give the same bits`, { skip }, async () => {
    const listed = methodNamed(name).kernels;
    const native = kernelsFor(listed, 'native');
    const js = kernelsFor(listed, 'js');
    for (const k of listed) assert.notEqual(native[k], js[k], `${k} runs in the addon on the native side`);
    const [a, b] = [await run(name, 'native'), await run(name, 'js')];
    const initial = (await freshState('resnet20')).weights;
    assert.ok(a.weights.some((w, i) => w !== initial[i]), 'the steps moved the weights');
    assert.deepEqual(bits(a.weights), bits(b.weights), 'weights');
    assert.deepEqual(bits(a.momentum), bits(b.momentum), 'momentum');
    assert.deepEqual(bits(a.fisher), bits(b.fisher), 'F');
    assert.deepEqual(bits(await a.trainable.read()), bits(await b.trainable.read()), 'the weights the model holds');
    assert.deepEqual(bits(await a.buffers.read()), bits(await b.buffers.read()), 'BatchNorm statistics');
  });
}
