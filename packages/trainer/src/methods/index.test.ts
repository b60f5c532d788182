// The registry is what the report imports (@rwp/trainer/methods): it must load without
// TensorFlow.js, or every chart would pay for a backend it never uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { METHOD_NAMES, isRandomPerturbation, replicasOf } from './index.js';

test('the registry loads in a process where importing TensorFlow.js fails', () => {
  const refuse = `export async function resolve(s, c, next) { if (s.startsWith('@tensorflow/')) throw new Error('loaded ' + s); return next(s, c); }`;
  const script = [
    `import { register } from 'node:module';`,
    `register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(refuse)}));`,
    `await import('@tensorflow/tfjs-core').then(() => process.exit(3), () => {});`,
    `const m = await import(${JSON.stringify(new URL('./index.js', import.meta.url).href)});`,
    `console.log(m.METHOD_NAMES.join(','));`,
  ].join('\n');
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), METHOD_NAMES.join(','));
});

test('the passes a step reads: two batches in one process and world / clean ranks for RWP and ARWP, the world for the others', () => {
  assert.deepEqual(METHOD_NAMES.filter(isRandomPerturbation), ['rwp', 'arwp']);
  assert.equal(isRandomPerturbation('unknown'), false);
  assert.deepEqual(replicasOf('rwp', 1, null), { replicas: 2, clean: 1 });
  assert.deepEqual(replicasOf('arwp', 4, null), { replicas: 4, clean: 2 });
  assert.deepEqual(replicasOf('rwp', 4, 1), { replicas: 4, clean: 3 });
  assert.deepEqual(replicasOf('sam', 3, null), { replicas: 3, clean: 3 });
  assert.deepEqual(replicasOf('sgd', 1, null), { replicas: 1, clean: 1 });
});
