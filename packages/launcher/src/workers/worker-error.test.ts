import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lastWorkerError } from './worker-error.js';

test("the last error among a worker's lines is found; other levels and non-JSON lines are not errors", () => {
  const lines = [
    '{"level":50,"rank":0,"msg":"an earlier error"}',
    '{"level":50,"rank":0,"msg":"cannot write the checkpoint /r/checkpoint.bin: no space left on device (ENOSPC)"}',
    '{"level":30,"rank":0,"msg":"info after it"}',
    'error: XDG_RUNTIME_DIR is invalid or not set in the environment.',
  ];
  assert.equal(lastWorkerError(lines), 'cannot write the checkpoint /r/checkpoint.bin: no space left on device (ENOSPC)');
  assert.equal(lastWorkerError(lines.slice(2)), undefined);
  assert.equal(lastWorkerError([]), undefined);
});
