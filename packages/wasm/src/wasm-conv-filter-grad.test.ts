import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node bundle registers no gradients; tfjs-layers registers them all.
import '@tensorflow/tfjs-layers';
import { registerWasmConvFilterGrad, wasmFilterGradKernels } from './wasm-conv-filter-grad.js';
import { backendDataIds, relativeError, seededTensor, valuesOn } from './testing/compare-backends.js';
import { useWasm } from './testing/wasm-backend.js';

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

await useWasm();

const cases: Case[] = [
  { x: [2, 9, 7, 3], filter: [3, 3, 3, 16], strides: 1, pad: 'same' },
  { x: [2, 9, 7, 3], filter: [3, 3, 3, 8], strides: 2, pad: 'same' },
  { x: [1, 8, 11, 16], filter: [3, 3, 16, 4], strides: 2, pad: 'valid' },
  { x: [3, 5, 6, 1], filter: [1, 1, 1, 7], strides: 1, pad: 'valid' },
  { x: [2, 5, 5, 16], filter: [1, 1, 16, 32], strides: 2, pad: 'same' },
  { x: [4, 12, 12, 1], filter: [3, 3, 1, 32], strides: 1, pad: 'valid' },
  { x: [1, 10, 10, 1], filter: [5, 5, 1, 16], strides: 2, pad: 'same' },
  { x: [2, 9, 8, 3], filter: [2, 3, 3, 5], strides: [2, 1], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { x: [1, 8, 9, 2], filter: [3, 3, 2, 3], strides: 2, pad: 1, dimRoundingMode: 'floor' },
];

function describe(c: Case): string {
  return `x [${c.x}] filter [${c.filter}] strides ${JSON.stringify(c.strides)} pad ${JSON.stringify(c.pad)}`;
}

/** d/dfilter of sum(conv(x, filter) * dy) for a random dy: the filter gradient for that dy. */
function filterGrad(c: Case, fused: boolean): () => tf.Tensor {
  return () => {
    const x = seededTensor(c.x, 1) as tf.Tensor4D;
    const filter = seededTensor(c.filter, 2) as tf.Tensor4D;
    const y = tf.conv2d(x, filter, c.strides, c.pad, 'NHWC', 1, c.dimRoundingMode);
    const dy = seededTensor(y.shape, 3);
    const bias = seededTensor([c.filter[3]], 4);
    return tf.grad((f: tf.Tensor) => {
      const out = fused
        ? tf.fused.conv2d({
            x, filter: f as tf.Tensor4D, strides: c.strides, pad: c.pad, dimRoundingMode: c.dimRoundingMode,
            bias, activation: 'relu',
          })
        : tf.conv2d(x, f as tf.Tensor4D, c.strides, c.pad, 'NHWC', 1, c.dimRoundingMode);
      return tf.sum(tf.mul(out, dy));
    })(filter);
  };
}

for (const fused of [false, true]) {
  test(`${fused ? 'fused ' : ''}conv2d filter gradient on wasm matches cpu`, async () => {
    for (const c of cases) {
      const wasm = await valuesOn('wasm', filterGrad(c, fused));
      const cpu = await valuesOn('cpu', filterGrad(c, fused));
      const err = relativeError(wasm, cpu);
      assert.ok(err < 1e-4, `${describe(c)}: relative error ${err}`);
    }
  });
}

test('depthwise conv2d filter gradient on wasm matches cpu', async () => {
  const depthwise: Case[] = [
    { x: [2, 7, 9, 3], filter: [3, 3, 3, 2], strides: 1, pad: 'same' },
    { x: [1, 8, 8, 4], filter: [3, 3, 4, 1], strides: 2, pad: 'valid' },
  ];
  for (const c of depthwise) {
    const grad = () => {
      const x = seededTensor(c.x, 5) as tf.Tensor4D;
      const filter = seededTensor(c.filter, 6) as tf.Tensor4D;
      const dy = seededTensor(tf.depthwiseConv2d(x, filter, c.strides, c.pad).shape, 7);
      return tf.grad((f: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(x, f as tf.Tensor4D, c.strides, c.pad), dy)))(filter);
    };
    const err = relativeError(await valuesOn('wasm', grad), await valuesOn('cpu', grad));
    assert.ok(err < 1e-4, `${describe(c)}: relative error ${err}`);
  }
});

test('large batches are processed in slices with the same result and no leftovers', async () => {
  await tf.setBackend('wasm');
  const c: Case = { x: [5, 8, 7, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' };
  const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter };
  const perExample = 8 * 7 * 3 * 3 * 3;
  // Budget for two examples: slices of 2, 2 and 1.
  const config = wasmFilterGradKernels(2 * perExample).find((k) => k.kernelName === 'Conv2DBackpropFilter');
  assert.ok(config);
  const x = seededTensor(c.x, 8);
  const dy = seededTensor([5, 8, 7, 4], 9);
  const before = backendDataIds();
  const info = config.kernelFunc({ inputs: { x, dy }, backend: tf.backend(), attrs });
  assert.ok(!Array.isArray(info));
  const sliced = tf.engine().makeTensorFromTensorInfo(info);
  const whole = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor;
  assert.ok(relativeError(await sliced.data(), await whole.data()) < 1e-5);
  tf.dispose([sliced, whole]);
  // The selector filter cached for this geometry is the one buffer allowed to stay.
  assert.ok(backendDataIds() <= before + 1, `buffers ${before} -> ${backendDataIds()}`);
  tf.dispose([x, dy]);
});

test('repeated gradient steps on wasm leak neither tensors nor wasm buffers', async () => {
  await tf.setBackend('wasm');
  const c = cases[1];
  const counts: Array<[number, number]> = [];
  for (let step = 0; step < 5; step++) {
    for (const fused of [false, true]) tf.dispose(tf.tidy(filterGrad(c, fused)));
    counts.push([tf.memory().numTensors, backendDataIds()]);
  }
  // The first step may add the cached selector filter; after it nothing may grow.
  for (const later of counts.slice(1)) assert.deepEqual(later, counts[1]);
});

test('registering twice keeps one kernel', () => {
  registerWasmConvFilterGrad();
  const first = tf.getKernel('Conv2DBackpropFilter', 'wasm');
  registerWasmConvFilterGrad();
  assert.ok(first);
  assert.equal(tf.getKernel('Conv2DBackpropFilter', 'wasm'), first);
  assert.ok(tf.getKernel('DepthwiseConv2dNativeBackpropFilter', 'wasm'));
});

test('NCHW, a mismatched dy and mismatched channels are refused with errors that say so', async () => {
  await tf.setBackend('wasm');
  const x = seededTensor([1, 6, 6, 2], 10);
  const dy = seededTensor([1, 4, 4, 3], 11);
  const attrs = { strides: 1, pad: 'valid', filterShape: [3, 3, 2, 3] };
  assert.throws(
    () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, dataFormat: 'NCHW' }),
    /Conv2DBackpropFilter \(wasm\): only NHWC is supported, got dataFormat NCHW/,
  );
  assert.throws(
    () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, pad: 'same', dataFormat: 'NHWC' }),
    /dy has shape \[1,4,4,3\] but x \[1,6,6,2\] and the filter give \[1,6,6,3\]/,
  );
  assert.throws(
    () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: [3, 3, 5, 3], dataFormat: 'NHWC' }),
    /x has 2 channels but the filter \[3,3,5,3\] expects 5/,
  );
  tf.dispose([x, dy]);
});
