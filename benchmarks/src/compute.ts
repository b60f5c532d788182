// Training-step speed of the MLP, the small CNN and the CIFAR ResNet-18 on each TensorFlow.js
// backend asked for (native, wasm, webgpu; cpu for the MLP only, being ~60x slower), against the
// same models in PyTorch on the same thread count (Debian's, on the CPU) or on CUDA.
//
//   node benchmarks/dist/compute.js [--json] [--models mlp,cnn,resnet18] [--backend native,wasm,cpu]
//                                   [--batch N] [--threads 1] [--seconds 10] [--profile] [--no-pytorch]
//                                   [--pytorch-device cpu|cuda] [--python /usr/bin/python3] [--trainer]
//
// A step is forward, backward and an SGD update (tf.variableGrads + optimizer.applyGradients),
// as the trainer runs it; step_ms is the median after warm-up, over about --seconds of steps.
// The machine is shared and its speed drifts, so native and PyTorch are timed in alternating
// rounds and their ratio compares steps run under the same load (webgpu alternates with PyTorch
// on CUDA the same way). --profile adds, for native, where a step's time goes by kernel
// (compute-profile.ts). --json prints one object per model and backend. webgpu prints its
// adapter first; on a software adapter (SwiftShader) its numbers say nothing about speed.
// webgpu rows also count what one step asks of the GPU (gpu_calls: dispatches, submits,
// uploads, readbacks, copies). --trainer also times rwp's own SGD step (@rwp/trainer's stepModel
// with sgd: the batch uploaded each step, the flat gradient read back, momentum and weight decay
// on the host, the weights written) on a second copy of the model, in rounds alternating with the bare loop: its row
// (loop "trainer") says how much the trainer adds to its kernels under the same load.
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { registerNativeBackend } from '@rwp/native';
import { registerWasmConvFilterGrad } from '@rwp/wasm';
import { countGpuCalls, describeAdapter, startWebgpu, type GpuCallCounts } from '@rwp/webgpu';
import { MODELS, type ModelCase, type ModelName, buildModel } from './compute-models.js';
import { profileSteps } from './compute-profile.js';
import { PyTorch } from './compute-pytorch.js';
import { stepModel, type Batch } from '@rwp/trainer';
import { streamFor } from '@rwp/random';

const BACKENDS = ['native', 'wasm', 'cpu', 'webgpu'] as const;
type BackendName = (typeof BACKENDS)[number];

interface Row {
  model: ModelName;
  backend: BackendName | 'pytorch';
  /** Where PyTorch ran (cpu or cuda), or the WebGPU adapter. */
  device?: string;
  batch: number;
  threads: number;
  /** A TensorFlow.js backend's rows: the bare loop below, or rwp's trainer step (--trainer). */
  loop?: 'tfjs' | 'trainer';
  step_ms: number;
  images_per_s: number;
  /** The trainer's row: its step over the bare loop's, timed in alternating rounds. */
  x_tfjs?: number;
  /** webgpu: what one step asks of the GPU (dispatches, submits, uploads, readbacks, copies). */
  gpu_calls?: GpuCallCounts;
}

const ROUNDS = 5;

const { values: opts } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    models: { type: 'string', default: 'mlp,cnn,resnet18' },
    backend: { type: 'string' },
    backends: { type: 'string', default: 'native,wasm,cpu' },
    batch: { type: 'string' },
    'pytorch-device': { type: 'string', default: 'cpu' },
    python: { type: 'string', default: '/usr/bin/python3' },
    threads: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '10' },
    profile: { type: 'boolean', default: false },
    'no-pytorch': { type: 'boolean', default: false },
    trainer: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(`compute: ${message}`);
  process.exit(2);
}

const threads = Number(opts.threads);
const seconds = Number(opts.seconds);
if (!Number.isInteger(threads) || threads < 1) fail(`--threads must be a positive integer, got ${opts.threads}`);
if (!(seconds > 0)) fail(`--seconds must be positive, got ${opts.seconds}`);
const batch = opts.batch === undefined ? undefined : Number(opts.batch);
if (batch !== undefined && !(Number.isInteger(batch) && batch >= 1)) fail(`--batch must be a positive integer, got ${opts.batch}`);
const models = opts.models.split(',').map((name) => {
  const m = MODELS.find((c) => c.name === name);
  if (m === undefined) fail(`unknown model ${name}; expected one of ${MODELS.map((c) => c.name).join(', ')}`);
  return batch === undefined ? m : { ...m, batch };
});
// --backend, as the other benchmarks name it; --backends is its older spelling.
const backends = (opts.backend ?? opts.backends).split(',').map((b) => {
  if (!(BACKENDS as readonly string[]).includes(b)) fail(`unknown backend ${b}; expected ${BACKENDS.join(', ')}`);
  return b as BackendName;
});
const pytorchDevice = opts['pytorch-device'] === 'cuda' ? 'cuda' : 'cpu';
if (opts['pytorch-device'] !== pytorchDevice) fail(`--pytorch-device must be cpu or cuda, got ${opts['pytorch-device']}`);
/** The backend PyTorch alternates with: the CPU one on the CPU, webgpu against CUDA. */
const pairedWith: BackendName = pytorchDevice === 'cuda' ? 'webgpu' : 'native';
let adapter: string | undefined;

function log(message: string): void {
  if (!opts.json) console.log(message);
}

/** Selects a backend; a string says why it cannot run. */
async function select(name: BackendName): Promise<string | null> {
  if (name === 'native') {
    const r = await registerNativeBackend({ threads });
    if (!r.ok) return r.reason;
    log(`native: ${r.detail}`);
  } else if (name === 'webgpu') {
    const r = await startWebgpu({ allowSoftware: true });
    if (!r.ok) return r.reason;
    adapter = describeAdapter(r.adapter);
    log(`webgpu: adapter ${adapter}${r.adapter.software ? ' (correctness only, never speed)' : ''}`);
  } else if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    // tfjs-backend-wasm has no Conv2DBackpropFilter; packages/wasm supplies one.
    registerWasmConvFilterGrad();
  }
  return (await tf.setBackend(name)) ? null : `tf.setBackend('${name}') failed`;
}

function crossEntropy(logits: tf.Tensor, labels: tf.Tensor1D, classes: number): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(labels, classes), tf.logSoftmax(logits)), -1))) as tf.Scalar;
}

/** One training step on a fixed random batch, and what to dispose after. */
function trainer(model: LayersModel, m: ModelCase): { step: () => Promise<void>; dispose: () => void } {
  const x = tf.randomNormal([m.batch, ...m.inputShape], 0, 1, 'float32', 1);
  const y = tf.tensor1d(
    Array.from({ length: m.batch }, (_, i) => (i * 7) % m.classes),
    'int32',
  );
  const optimizer = tf.train.sgd(0.01);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  // The loss is read asynchronously: WebGPU has no synchronous read in Node.
  const step = async () => {
    const loss = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(
        () => crossEntropy(model.apply(x, { training: true }) as tf.Tensor, y as tf.Tensor1D, m.classes),
        vars,
      );
      optimizer.applyGradients(grads);
      return value;
    });
    await loss.data();
    loss.dispose();
  };
  return {
    step,
    dispose: () => {
      tf.dispose([x, y]);
      optimizer.dispose();
    },
  };
}

/** The trainer's SGD step on `model`, the same batch every step. */
async function sgdSteps(model: LayersModel, batch: Batch, classes: number): Promise<{ step: () => Promise<void>; close: () => Promise<void> }> {
  const steps = await stepModel(model, { name: 'sgd' }, classes);
  return { step: () => steps.step([batch]), close: steps.close };
}

/** A fixed batch on the host, as the trainer's data pipeline hands it over. */
function hostBatch(m: ModelCase): Batch {
  const x = streamFor(1, 'compute-batch').fillNormal(new Float32Array(m.batch * m.inputShape[0] * m.inputShape[1] * m.inputShape[2]));
  const y = Int32Array.from({ length: m.batch }, (_, i) => (i * 7) % m.classes);
  return { x, y, shape: m.inputShape };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Step times for about `budget` seconds, at least one step. */
async function timeFor(step: () => Promise<void>, budget: number): Promise<number[]> {
  const times: number[] = [];
  const start = performance.now();
  do {
    const t = performance.now();
    await step();
    times.push(performance.now() - t);
  } while (performance.now() - start < budget * 1000);
  return times;
}

/** Two warm-up steps (one where a step takes over 5 s). */
async function warmUp(step: () => Promise<void>): Promise<void> {
  const t = performance.now();
  await step();
  if (performance.now() - t < 5000) await step();
}

function report(row: Row, reference?: number): void {
  if (opts.json) {
    console.log(JSON.stringify(row));
    return;
  }
  const ratio =
    (reference && row.backend !== 'pytorch' ? `  ${(reference / row.step_ms).toFixed(2)}x PyTorch` : '') +
    (row.x_tfjs !== undefined ? `  ${row.x_tfjs.toFixed(2)}x the bare tfjs loop` : '') +
    (row.gpu_calls ? `  a step: ${row.gpu_calls.dispatches} dispatches, ${row.gpu_calls.submits} submits, ${row.gpu_calls.writes} uploads, ${row.gpu_calls.reads} readbacks` : '');
  const name = row.backend === 'pytorch' && row.device === 'cuda' ? 'pytorch-cuda' : row.loop === 'trainer' ? `${row.backend}/trainer` : row.backend;
  log(
    `${row.model.padEnd(9)} ${name.padEnd(14)} batch ${String(row.batch).padStart(3)}  ${row.threads} thr ` +
      `${row.step_ms.toFixed(1).padStart(9)} ms/step ${row.images_per_s.toFixed(0).padStart(7)} img/s${ratio}`,
  );
}

function row(m: ModelCase, backend: Row['backend'], times: number[]): Row {
  const ms = median(times);
  const device = backend === 'pytorch' ? pytorchDevice : backend === 'webgpu' ? adapter : undefined;
  const loop = backend === 'pytorch' ? {} : { loop: 'tfjs' as const };
  return { model: m.name, backend, ...(device ? { device } : {}), batch: m.batch, threads, ...loop, step_ms: ms, images_per_s: (m.batch * 1000) / ms };
}

async function main(): Promise<void> {
  tf.env().set('PROD', true);
  const pytorch = opts['no-pytorch'] ? 'skipped (--no-pytorch)' : PyTorch.start(threads, pytorchDevice, opts.python);
  if (typeof pytorch === 'string') log(`pytorch: ${pytorch}`);
  const available = new Map<BackendName, string | null>();
  try {
    for (const m of models) {
      const pyTimes: number[] = [];
      const rows: Row[] = [];
      const notes: string[] = [];
      for (const b of backends) {
        if (b === 'cpu' && m.name !== 'mlp') continue;
        if (!available.has(b)) available.set(b, await select(b));
        const unavailable = available.get(b);
        if (unavailable) {
          notes.push(`${m.name.padEnd(9)} ${b.padEnd(8)} unavailable: ${unavailable}`);
          continue;
        }
        await tf.setBackend(b);
        const model = buildModel(m);
        const { step, dispose } = trainer(model, m);
        await warmUp(step);
        const rwpModel = opts.trainer ? buildModel(m) : null;
        const rwp = rwpModel ? await sgdSteps(rwpModel, hostBatch(m), m.classes) : null;
        if (rwp) await warmUp(rwp.step);
        const paired = b === pairedWith && typeof pytorch !== 'string' ? pytorch : null;
        const rounds = paired || rwp ? ROUNDS : 1;
        const times: number[] = [];
        const rwpTimes: number[] = [];
        const perRound: number[] = [];
        for (let r = 0; r < rounds; r++) {
          if (paired) pyTimes.push(...(await paired.time(m.name, m.batch, seconds / rounds)));
          const t = await timeFor(step, seconds / rounds);
          times.push(...t);
          if (rwp) {
            const u = await timeFor(rwp.step, seconds / rounds);
            rwpTimes.push(...u);
            perRound.push(median(u) / median(t));
          }
        }
        const calls = (run: () => Promise<void>) => (b === 'webgpu' ? countGpuCalls(run).then((gpu_calls) => ({ gpu_calls })) : {});
        rows.push({ ...row(m, b, times), ...(await calls(step)) });
        if (rwp) {
          rows.push({ ...row(m, b, rwpTimes), loop: 'trainer', x_tfjs: median(perRound), ...(await calls(rwp.step)) });
          await rwp.close();
          rwpModel!.dispose();
        }
        if (opts.profile && b === 'native') notes.push(...(await profileSteps(b, step)));
        dispose();
        model.dispose();
      }
      if (typeof pytorch !== 'string' && pyTimes.length === 0) pyTimes.push(...(await pytorch.time(m.name, m.batch, seconds)));
      const reference = pyTimes.length > 0 ? row(m, 'pytorch', pyTimes) : undefined;
      if (reference) report(reference);
      for (const r of rows) report(r, reference?.step_ms);
      notes.forEach(log);
    }
  } finally {
    if (typeof pytorch !== 'string') pytorch.close();
  }
}

await main();
