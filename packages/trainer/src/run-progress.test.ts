import assert from 'node:assert/strict';
import { test } from 'node:test';
import { progressMessage } from './run-progress.js';
import { StepRate } from './step-rate.js';

test('the step rate leaves out the first 5 steps and then gives the time left at the measured rate', () => {
  const rate = new StepRate(100);
  for (let step = 101; step <= 105; step++) rate.mark(step, 1000 * (step - 100) ** 2);
  assert.equal(rate.perSecond(), null, 'the slow first steps are not a rate');
  assert.equal(rate.secondsLeft(200), null);
  rate.mark(115, 25_000 + 2_000);
  assert.equal(rate.perSecond(), 5, '10 steps in 2 s after step 105');
  assert.equal(rate.secondsLeft(200), 17);
  assert.equal(rate.secondsLeft(100), 0);
});

test('a progress record reads as a sentence in the log', () => {
  const p = { step: 1200, total: 3744, epoch: 3, epochs: 16, loss: 0.41234, lr: 0.048211, images_per_s: 2310.4, eta_s: 252 };
  assert.equal(progressMessage(p), 'step 1200/3744 (epoch 3/16), loss 0.4123, lr 0.0482, 2310 img/s, about 4m12s left');
  assert.equal(progressMessage({ ...p, loss: null, images_per_s: null, eta_s: null }), 'step 1200/3744 (epoch 3/16), lr 0.0482, estimating the time left');
});
