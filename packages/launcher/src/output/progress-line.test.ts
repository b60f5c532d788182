import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatProgressLine } from './progress-line.js';
import type { ProgressRecord } from '@rwp/process-group';

const P: ProgressRecord = { step: 1200, total: 3744, epoch: 3, epochs: 16, loss: 0.41234, lr: 0.048211, images_per_s: 2310.4, eta_s: 252 };

test('the progress line says step, share done, epoch, loss, lr, images per second and the time left', () => {
  assert.equal(
    formatProgressLine(P, 200),
    'step 1200/3744 (32%)  [######..............]  epoch 3/16  loss 0.4123  lr 0.0482  2310 img/s  ETA 4m12s',
  );
});

test('before the first steps are timed it says so, and a missing loss is left out', () => {
  assert.equal(formatProgressLine({ ...P, step: 1, loss: null, images_per_s: null, eta_s: null }, 200), 'step 1/3744 (0%)  [....................]  epoch 3/16  lr 0.0482  ETA measuring');
});

test('on a narrow terminal the bar goes first, then img/s, then lr; the line never fills the width', () => {
  assert.equal(formatProgressLine(P, 81), 'step 1200/3744 (32%)  epoch 3/16  loss 0.4123  lr 0.0482  2310 img/s  ETA 4m12s');
  assert.equal(formatProgressLine(P, 70), 'step 1200/3744 (32%)  epoch 3/16  loss 0.4123  lr 0.0482  ETA 4m12s');
  assert.equal(formatProgressLine(P, 60), 'step 1200/3744 (32%)  epoch 3/16  loss 0.4123  ETA 4m12s');
  assert.equal(formatProgressLine(P, 20), 'step 1200/3744 (32%');
});
