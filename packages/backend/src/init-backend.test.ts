import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { BACKEND_NAMES, initBackend, type BackendName } from './index.js';
import { tensorflowAddonPresent } from './tensorflow-backend.js';

// Where libtensorflow was installed the TensorFlow backends load and these expectations differ.
const noTensorflow =
  !tensorflowAddonPresent('@tensorflow/tfjs-node') && !tensorflowAddonPresent('@tensorflow/tfjs-node-gpu');
const skipWithTensorflow = noTensorflow ? false : 'a TensorFlow binding is installed here';

function collect(): { lines: string[]; log: (msg: string) => void } {
  const lines: string[] = [];
  return { lines, log: (msg) => lines.push(msg) };
}

const skippedHere = { skip: skipWithTensorflow };

// No Vulkan driver for this process, whatever the machine has (webgpu-backend.test.ts covers
// SwiftShader, mesa's drivers and their mixes, each in a process of its own).
process.env.VK_ICD_FILENAMES = '/nonexistent/icd.json';

test('auto picks the native kernels when @rwp/native loads, else wasm, naming each option skipped', skippedHere, async () => {
  const { lines, log } = collect();
  const choice = await initBackend({ backend: 'auto', log });
  assert.ok(choice.name === 'native' || choice.name === 'wasm', choice.name);
  assert.equal(choice.tfBackend, tf.getBackend());
  // WebGPU is tried second.
  assert.match(choice.reason, /^auto: @tensorflow\/tfjs-node-gpu [^;]+; webgpu not tried: no Vulkan driver is installed; @tensorflow\/tfjs-node [^;]+; /);
  if (choice.name === 'wasm') {
    assert.match(choice.reason, /; @rwp\/native [^;]+; wasm \((no )?SIMD, 1 thread\)$/);
    assert.equal(choice.threads, 1);
    assert.ok(tf.getKernel('Conv2DBackpropFilter', 'wasm'), 'wasm can train conv nets');
  } else {
    assert.match(choice.reason, /; native kernels loaded \(.+\)$/);
  }
  assert.ok(!choice.reason.includes('\n'));
  // One line for each option skipped, then the choice.
  const skipped = choice.name === 'wasm' ? 4 : 3;
  assert.equal(lines.length, skipped + 1, lines.join('\n'));
  for (const line of lines.slice(0, skipped)) assert.match(line, /^backend auto: skipping (@|webgpu )/);
  assert.equal(lines[skipped], `backend ${choice.name}: ${choice.reason}`);
});

test('auto honours an empty CUDA_VISIBLE_DEVICES', skippedHere, async () => {
  process.env.CUDA_VISIBLE_DEVICES = '';
  try {
    const choice = await initBackend({ backend: 'auto', log: () => {} });
    assert.match(
      choice.reason,
      /^auto: @tensorflow\/tfjs-node-gpu (not installed|not used, no GPU visible \(CUDA_VISIBLE_DEVICES=""\));/,
    );
  } finally {
    delete process.env.CUDA_VISIBLE_DEVICES;
  }
});

test('cpu is used when asked for by name', async () => {
  const choice = await initBackend({ backend: 'cpu', log: () => {} });
  assert.deepEqual(choice, { name: 'cpu', tfBackend: 'cpu', reason: 'requested: cpu (pure JavaScript, 1 thread)', threads: 1 });
  assert.equal(tf.getBackend(), 'cpu');
});

test('wasm reports the one thread it runs with, whatever was asked', async () => {
  const { lines, log } = collect();
  const choice = await initBackend({ backend: 'wasm', threads: 4, log });
  assert.equal(choice.name, 'wasm');
  assert.equal(choice.tfBackend, 'wasm');
  assert.equal(choice.threads, 1);
  assert.ok(lines.includes('backend wasm: threads=4 not applied; it runs with 1'), lines.join('\n'));
});

test('TensorFlow backends that cannot load here are errors naming the backend and why', skippedHere, async () => {
  const why = '(not installed|installed without its native addon)';
  const hint = String.raw`\(its install downloads libtensorflow; see DEVELOPERS.md\)`;
  await assert.rejects(
    initBackend({ backend: 'tensorflow', log: () => {} }),
    new RegExp(String.raw`^Error: backend tensorflow: @tensorflow/tfjs-node ${why} ${hint}$`),
  );
  await assert.rejects(
    initBackend({ backend: 'tensorflow-gpu', log: () => {} }),
    new RegExp(String.raw`^Error: backend tensorflow-gpu: @tensorflow/tfjs-node-gpu ${why} ${hint}$`),
  );
});

test('an unknown backend name or a bad thread count is refused, listing what is allowed', async () => {
  await assert.rejects(
    initBackend({ backend: 'tpu' as BackendName }),
    { message: 'unknown backend "tpu"; allowed: auto, tensorflow-gpu, webgpu, tensorflow, native, wasm, cpu' },
  );
  assert.deepEqual([...BACKEND_NAMES], ['auto', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'native', 'wasm', 'cpu']);
  for (const threads of [0, 1.5, -2, NaN]) {
    await assert.rejects(initBackend({ backend: 'wasm', threads }), {
      message: `threads must be a positive integer, got ${threads}`,
    });
  }
});
