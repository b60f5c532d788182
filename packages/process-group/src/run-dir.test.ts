import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultRunDir } from './index.js';

test('the default run directory is named by the config and the UTC time', () => {
  assert.equal(defaultRunDir('configs/smoke.yaml', new Date('2025-01-02T03:04:05.678Z')), 'runs/smoke-20250102T030405Z');
});
