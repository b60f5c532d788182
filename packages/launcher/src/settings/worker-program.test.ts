import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { resolveWorkerProgram } from './worker-program.js';

test('the default worker is the rwp-train program npm linked into this install', () => {
  const linked = realpathSync(fileURLToPath(new URL('../../../../node_modules/.bin/rwp-train', import.meta.url)));
  assert.equal(resolveWorkerProgram(undefined), linked);
});

test('--worker names a file, made absolute', () => {
  assert.equal(resolveWorkerProgram(fileURLToPath(import.meta.url)), fileURLToPath(import.meta.url));
  assert.throws(() => resolveWorkerProgram('no/such/worker.js'), /--worker no\/such\/worker.js: no such file/);
});
