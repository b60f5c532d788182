import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { registerNativeBackend, setNativeThreads } from './index.js';
import { skipReason } from './testing/native-vs-cpu.js';

const dist = dirname(fileURLToPath(import.meta.url));

describe('registerNativeBackend', () => {
  it('registers `native`, says what it runs on, and honours the thread count', { skip: skipReason }, async () => {
    const one = await registerNativeBackend({ threads: 1 });
    assert.ok(one.ok);
    assert.equal(one.name, 'native');
    assert.match(one.detail, /^oneDNN \d+\.\d+\.\d+ \(\w+\), 1 thread$/);
    const two = await registerNativeBackend({ threads: 2 });
    assert.ok(two.ok && two.detail.endsWith(', 2 threads'), JSON.stringify(two));
    assert.ok(await tf.setBackend('native'));
    assert.deepEqual(Array.from(tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).dataSync()), [4, 6]);
    setNativeThreads(1);
  });

  it('rejects a thread count that is not a positive integer', () => {
    assert.throws(() => setNativeThreads(0), /positive integer/);
    assert.throws(() => setNativeThreads(1.5), /positive integer/);
  });

  it('returns ok: false with the reason, without throwing, where the addon is not built', () => {
    // A copy of the compiled package without build/: its addon path resolves to nothing.
    const root = mkdtempSync(join(dist, '..', 'unbuilt-'));
    try {
      cpSync(dist, join(root, 'dist'), { recursive: true });
      const script = `import('${join(root, 'dist', 'index.js')}').then(async (m) => {
        console.log(JSON.stringify(await m.registerNativeBackend({ threads: 1 })));
        m.setNativeThreads(2);
      })`;
      const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as {
        ok: boolean;
        reason: string;
      };
      assert.equal(out.ok, false);
      assert.match(out.reason, /addon not built: run `npm run build:native/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
