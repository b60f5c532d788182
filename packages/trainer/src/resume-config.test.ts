import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveConfig } from './config.js';
import { resumeConfigChanges } from './resume-config.js';

const defaults = resolveConfig({});
const base = resolveConfig({ data: { dataset: 'synthetic' }, method: { name: 'rwp' } }, [], 'test.yaml');
const changed = (overrides: string[]) => resolveConfig({ data: { dataset: 'synthetic' }, method: { name: 'rwp' } }, overrides, 'test.yaml');

test('the train section but epochs, the data pipeline threads and the collectives deadline may change on resume', () => {
  assert.deepEqual(resumeConfigChanges(base, changed(['train.max_steps=7', 'train.log_every=3', 'train.eval=false', 'data.workers=4', 'data.prefetch_depth=5', 'data.prefetch=false', 'dist.timeout_s=900']), defaults), []);
});

test('anything else is named with both values', () => {
  assert.deepEqual(resumeConfigChanges(base, changed(['optim.lr=0.2', 'train.epochs=11', 'method.gamma=0.02']), defaults), [
    'method.gamma: 0.01 in the checkpoint, 0.02 now',
    'optim.lr: 0.05 in the checkpoint, 0.2 now',
    'train.epochs: 10 in the checkpoint, 11 now',
  ]);
});

test('a key the checkpoint lacks (written by an older rwp) counts as its default', () => {
  const { dist: _dist, ...older } = base;
  assert.deepEqual(resumeConfigChanges(older, base, defaults), []);
  assert.deepEqual(resumeConfigChanges(older, changed(['dist.backend=mpi']), defaults), ['dist.backend: absent in the checkpoint, "mpi" now']);
});
