// Every rank must build the same weights from the same seed, under the same names, whatever the
// process built before.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { buildModel, type ModelSpec } from './index.js';

await tf.setBackend('cpu');

const spec: ModelSpec = { arch: 'resnet20', inputShape: [32, 32, 3], numClasses: 10, seed: 7 };

function snapshot(s: ModelSpec): Map<string, Float32Array> {
  const model = buildModel(s);
  const weights = new Map(model.weights.map((w) => [w.originalName, w.read().dataSync() as Float32Array]));
  model.dispose();
  return weights;
}

function bytes(a: Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

test('two builds with the same seed have bitwise equal weights under the same names', () => {
  const a = snapshot(spec);
  const b = snapshot(spec);
  assert.deepEqual([...a.keys()], [...b.keys()]);
  for (const [name, values] of a) assert.ok(bytes(values).equals(bytes(b.get(name)!)), name);
});

test('a different seed gives different kernels, but the same BatchNorm initial values', () => {
  const a = snapshot(spec);
  const b = snapshot({ ...spec, seed: 8 });
  for (const [name, values] of a) {
    const same = bytes(values).equals(bytes(b.get(name)!));
    assert.equal(same, !name.endsWith('/kernel') && !name.startsWith('fc/'), name);
  }
});

test('different layers draw different numbers from one seed', () => {
  const w = snapshot(spec);
  const first = (name: string) => Array.from(w.get(name)!.slice(0, 8));
  assert.notDeepEqual(first('layer1_0_conv1/kernel'), first('layer1_0_conv2/kernel'));
});

test('convs are He-normal over the fan-in (std sqrt(2 / fan_in)), dense layers U(+-1/sqrt(in))', () => {
  const w = snapshot({ arch: 'resnet18', inputShape: [32, 32, 3], numClasses: 10 });
  const kernel = w.get('layer3_0_conv2/kernel')!; // 3x3x256x256
  const mean = kernel.reduce((s, v) => s + v, 0) / kernel.length;
  const std = Math.sqrt(kernel.reduce((s, v) => s + (v - mean) ** 2, 0) / kernel.length);
  const expected = Math.sqrt(2 / (9 * 256));
  assert.ok(Math.abs(std / expected - 1) < 0.01, `std ${std} vs ${expected}`);
  // Not truncated: a normal puts ~0.27% of its mass beyond 3 std, a truncated one none.
  assert.ok(kernel.some((v) => Math.abs(v) > 3 * expected));
  const fc = w.get('fc/kernel')!;
  const bound = 1 / Math.sqrt(512);
  assert.ok(fc.every((v) => Math.abs(v) <= bound));
  assert.ok(Math.max(...fc.map(Math.abs)) > 0.95 * bound);
});

test("the small cnn keeps nn.Conv2d's default init: kernel and bias U(+-1/sqrt(fan_in))", () => {
  const w = snapshot({ arch: 'cnn', inputShape: [28, 28, 1], numClasses: 10 });
  const kernel = w.get('conv2/kernel')!; // 3x3x32x64
  const bound = 1 / Math.sqrt(9 * 32);
  assert.ok(kernel.every((v) => Math.abs(v) <= bound));
  // Uniform on [-b, b]: std b / sqrt(3), which He-normal (sqrt(2 / fan_in)) would exceed 2.4 times.
  const std = Math.sqrt(kernel.reduce((s, v) => s + v * v, 0) / kernel.length);
  assert.ok(Math.abs(std / (bound / Math.sqrt(3)) - 1) < 0.02, `std ${std}`);
  const bias = w.get('conv1/bias')!;
  assert.ok(bias.every((v) => Math.abs(v) <= 1 / 3) && bias.some((v) => Math.abs(v) > 0.1));
});

test('layer and weight names do not depend on what the process built before', () => {
  const names = (m: ReturnType<typeof buildModel>) => ({
    model: m.name,
    layers: m.layers.map((l) => l.name),
    weights: m.weights.map((w) => w.originalName),
  });
  const first = buildModel({ ...spec, arch: 'resnet18', width: 0.125 });
  const other = buildModel({ ...spec, arch: 'wrn16_8', width: 0.125 });
  const second = buildModel({ ...spec, arch: 'resnet18', width: 0.125 });
  assert.deepEqual(names(first), names(second));
  assert.equal(first.name, 'resnet18');
  assert.ok(first.getLayer('layer2_0_shortcut_conv'));
  [first, other, second].forEach((m) => m.dispose());
});

test('separate processes build bitwise equal weights from the same seed', () => {
  const index = new URL('./index.js', import.meta.url).href;
  const script = `
    import * as tf from '@tensorflow/tfjs-core';
    import '@tensorflow/tfjs-backend-cpu';
    import { createHash } from 'node:crypto';
    import { buildModel } from ${JSON.stringify(index)};
    await tf.setBackend('cpu');
    const model = buildModel(JSON.parse(process.argv[1]));
    const hash = createHash('sha256');
    for (const w of model.weights) {
      hash.update(w.originalName);
      hash.update(w.read().dataSync());
    }
    process.stdout.write('digest=' + hash.digest('hex'));
  `;
  const digest = (s: ModelSpec) => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(s)], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const m = /digest=([0-9a-f]{64})/.exec(r.stdout);
    assert.ok(m, r.stdout);
    return m[1];
  };
  const a = digest(spec);
  assert.equal(digest(spec), a);
  assert.notEqual(digest({ ...spec, seed: 8 }), a);
});
