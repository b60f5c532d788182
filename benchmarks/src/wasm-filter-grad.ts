// Speed of the wasm Conv2DBackpropFilter kernel on the small CNN's and ResNet-18's convolutions,
// and of a whole small-CNN training step (batch 128) on wasm, with where its time goes by kernel;
// --cpu adds one step on the pure-JS cpu backend (about a minute or two).
//
//   node benchmarks/dist/wasm-filter-grad.js [--json] [--cpu] [--reps 9]
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@rwp/backend';

const { values: opts } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    cpu: { type: 'boolean', default: false },
    reps: { type: 'string', default: '9' },
  },
});
const reps = Number(opts.reps);
if (!Number.isInteger(reps) || reps < 1) {
  console.error(`wasm-filter-grad: --reps must be a positive integer, got ${opts.reps}`);
  process.exit(2);
}

function say(line: string): void {
  if (!opts.json) console.log(line);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Median ms of `f` after one warm-up run; wasm kernels run synchronously, so no read is needed. */
function timeIt(f: () => tf.Tensor, n: number): number {
  tf.dispose(f());
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const out = f();
    ms.push(performance.now() - t0);
    out.dispose();
  }
  return median(ms);
}

interface Layer {
  label: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number;
  pad: 'same' | 'valid';
}

const layers: Layer[] = [
  { label: 'cnn conv1 28x28x1 -> 32', x: [128, 28, 28, 1], filter: [3, 3, 1, 32], strides: 1, pad: 'valid' },
  { label: 'cnn conv2 13x13x32 -> 64', x: [128, 13, 13, 32], filter: [3, 3, 32, 64], strides: 1, pad: 'valid' },
  { label: 'resnet18 32x32x64 -> 64', x: [32, 32, 32, 64], filter: [3, 3, 64, 64], strides: 1, pad: 'same' },
  { label: 'resnet18 16x16x128 -> 128', x: [32, 16, 16, 128], filter: [3, 3, 128, 128], strides: 1, pad: 'same' },
  { label: 'resnet18 8x8x256 -> 256', x: [32, 8, 8, 256], filter: [3, 3, 256, 256], strides: 1, pad: 'same' },
  { label: 'resnet18 4x4x512 -> 512', x: [32, 4, 4, 512], filter: [3, 3, 512, 512], strides: 1, pad: 'same' },
  { label: 'resnet18 1x1 stride 2 64 -> 128', x: [32, 32, 32, 64], filter: [1, 1, 64, 128], strides: 2, pad: 'same' },
];

const rows: Record<string, unknown>[] = [];
const choice = await initBackend({ backend: 'wasm', log: say });

say(`Conv2DBackpropFilter on ${choice.tfBackend}, median of ${reps}:`);
for (const l of layers) {
  const x = tf.randomNormal(l.x);
  const outShape = tf.conv2d(x as tf.Tensor4D, tf.zeros(l.filter) as tf.Tensor4D, l.strides, l.pad).shape;
  const dy = tf.randomNormal(outShape);
  const attrs = { strides: l.strides, pad: l.pad, dataFormat: 'NHWC', filterShape: l.filter };
  const ms = timeIt(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor, reps);
  const flops = 2 * (outShape[0] * outShape[1] * outShape[2]) * l.filter[0] * l.filter[1] * l.filter[2] * l.filter[3];
  const gflops = flops / ms / 1e6;
  say(`  ${l.label.padEnd(34)} batch ${String(l.x[0]).padStart(3)}  ${ms.toFixed(1).padStart(7)} ms  ${gflops.toFixed(1)} GFLOP/s`);
  rows.push({ kind: 'filter_grad', layer: l.label, batch: l.x[0], ms, gflops });
  tf.dispose([x, dy]);
}

/** The small CNN: conv 3x3x32 valid, relu, maxpool 2, conv 3x3x64 valid, relu, maxpool 2, dense 128, relu, dense 10. */
function smallCnn(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 128, activation: 'relu' }),
      tfl.layers.dense({ units: 10 }),
    ],
  });
}

/** One SGD step (forward, backward, update) of the small CNN on a fixed batch of 128. */
function cnnStep(): { step: () => void; dispose: () => void } {
  const model = smallCnn();
  const x = tf.randomNormal([128, 28, 28, 1], 0, 1, 'float32', 1);
  const labels = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: 128 }, (_, i) => i % 10), 'int32'), 10));
  const optimizer = tf.train.sgd(0.01);
  const step = () => {
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(labels, model.apply(x) as tf.Tensor) as tf.Scalar, true);
    loss?.dataSync();
    loss?.dispose();
  };
  return { step, dispose: () => { tf.dispose([x, labels]); model.dispose(); optimizer.dispose(); } };
}

function timeSteps(name: string, n: number): number {
  const { step, dispose } = cnnStep();
  step();
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    step();
    ms.push(performance.now() - t0);
  }
  dispose();
  const m = median(ms);
  say(`small CNN training step, batch 128, ${name}: ${m.toFixed(0)} ms (median of ${n})`);
  rows.push({ kind: 'cnn_step', backend: name, batch: 128, ms: m, steps: n });
  return m;
}

const wasmMs = timeSteps('wasm', Math.max(3, Math.min(reps, 7)));

// Where a wasm step goes, by kernel (forward, backward and update; one profiled step).
{
  const { step, dispose } = cnnStep();
  step();
  const profile = await tf.profile(step);
  const byKernel = new Map<string, number>();
  for (const k of profile.kernels) {
    const t = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + t);
  }
  const top = [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 8);
  say(`  by kernel: ${top.map(([n, t]) => `${n} ${t.toFixed(0)}`).join(', ')} (ms)`);
  rows.push({ kind: 'cnn_step_kernels', backend: 'wasm', ms_by_kernel: Object.fromEntries(top) });
  dispose();
}

if (opts.cpu) {
  await initBackend({ backend: 'cpu', log: say });
  const cpuMs = timeSteps('cpu', 1);
  say(`  cpu / wasm: ${(cpuMs / wasmMs).toFixed(1)}x`);
}

if (opts.json) console.log(JSON.stringify(rows));
