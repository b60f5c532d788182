import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { loadNative } from './native-backend.js';

const fake = new URL('./testing/fake-native.js', import.meta.url).href;

test('a native module that registers its backend is made current, with its threads and detail', async () => {
  assert.deepEqual(await loadNative(4, fake), {
    ok: true,
    tfBackend: 'fake-native',
    threads: 4,
    detail: 'native kernels loaded (fake BLAS, 4 threads)',
  });
  assert.equal(tf.getBackend(), 'fake-native');
});

test('a refusal, a throw, a missing package and an unbuilt one each become a reason', async () => {
  assert.deepEqual(await loadNative(2, fake), {
    ok: false,
    what: fake,
    reason: 'could not register its backend: no BLAS library found',
  });
  assert.deepEqual(await loadNative(3, fake), {
    ok: false,
    what: fake,
    reason: 'could not register its backend: threw: addon crashed',
  });
  assert.deepEqual(await loadNative(1, '@rwp/no-such-package'), {
    ok: false,
    what: '@rwp/no-such-package',
    reason: 'not installed',
  });
  const unbuilt = new URL('./no-such-file.js', import.meta.url).href;
  const r = await loadNative(1, unbuilt);
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.reason : '', /^failed to load \(not built\?\): Cannot find module '.*no-such-file\.js'$/);
});
