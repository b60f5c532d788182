// Training-step speed of the MLP, the small CNN and the CIFAR ResNet-18 on each TensorFlow.js
// CPU backend available (native, wasm; cpu for the MLP only, being ~60x slower), and of the same
// models in Debian's PyTorch (benchmarks/compute_pytorch.py) on the same thread count, run in
// the same invocation so that ratios are measured back to back.
//
//   node benchmarks/dist/compute.js [--json] [--models mlp,cnn,resnet18] [--backends native,wasm,cpu]
//                                   [--threads 1] [--seconds 10] [--profile] [--no-pytorch]
//
// A step is forward, backward and an SGD update (tf.variableGrads + optimizer.applyGradients),
// as the trainer runs it; step_ms is the median after warm-up. --profile adds, for the native
// backend, where a step's time goes by kernel. --json prints one object per model and backend.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { registerNativeBackend } from '@rwp/native';
import { MODELS, type ModelCase, type ModelName, buildModel } from './compute-models.js';

type BackendName = 'native' | 'wasm' | 'cpu';

interface Row {
  model: ModelName;
  backend: BackendName | 'pytorch';
  batch: number;
  threads: number;
  step_ms: number;
  images_per_s: number;
}

const { values: opts } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    models: { type: 'string', default: 'mlp,cnn,resnet18' },
    backends: { type: 'string', default: 'native,wasm,cpu' },
    threads: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '10' },
    profile: { type: 'boolean', default: false },
    'no-pytorch': { type: 'boolean', default: false },
  },
});

const threads = Number(opts.threads);
const seconds = Number(opts.seconds);
if (!Number.isInteger(threads) || threads < 1) fail(`--threads must be a positive integer, got ${opts.threads}`);
if (!(seconds > 0)) fail(`--seconds must be positive, got ${opts.seconds}`);
const models = opts.models.split(',').map((name) => {
  const m = MODELS.find((c) => c.name === name);
  if (!m) fail(`unknown model ${name}; expected one of ${MODELS.map((c) => c.name).join(', ')}`);
  return m as ModelCase;
});
const backends = opts.backends.split(',').map((b) => {
  if (b !== 'native' && b !== 'wasm' && b !== 'cpu') fail(`unknown backend ${b}; expected native, wasm or cpu`);
  return b as BackendName;
});

function fail(message: string): never {
  console.error(`compute: ${message}`);
  process.exit(2);
}

function log(message: string): void {
  if (!opts.json) console.log(message);
}

/** Selects a backend; a string says why it cannot run. */
async function select(name: BackendName): Promise<string | null> {
  if (name === 'native') {
    const r = await registerNativeBackend({ threads });
    if (!r.ok) return r.reason;
    log(`native: ${r.detail}`);
  } else if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    // tfjs-backend-wasm has no Conv2DBackpropFilter; packages/backend supplies one.
    const specifier = '@rwp/backend';
    const backend = (await import(specifier).catch(() => ({}))) as { registerWasmConvFilterGrad?: () => void };
    if (!backend.registerWasmConvFilterGrad) return 'needs @rwp/backend (its Conv2DBackpropFilter for wasm)';
    backend.registerWasmConvFilterGrad();
  }
  return (await tf.setBackend(name)) ? null : `tf.setBackend('${name}') failed`;
}

function crossEntropy(logits: tf.Tensor, labels: tf.Tensor1D, classes: number): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(labels, classes), tf.logSoftmax(logits)), -1))) as tf.Scalar;
}

/** One training step on a fixed random batch, and what to dispose after. */
function trainer(model: LayersModel, m: ModelCase): { step: () => void; dispose: () => void } {
  const x = tf.randomNormal([m.batch, ...m.inputShape], 0, 1, 'float32', 1);
  const y = tf.tensor1d(
    Array.from({ length: m.batch }, (_, i) => (i * 7) % m.classes),
    'int32',
  );
  const optimizer = tf.train.sgd(0.01);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const step = () => {
    const loss = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(
        () => crossEntropy(model.apply(x, { training: true }) as tf.Tensor, y as tf.Tensor1D, m.classes),
        vars,
      );
      optimizer.applyGradients(grads);
      return value;
    });
    loss.dataSync();
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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Median step time: two warm-up steps (one for slow ones), then 3 to 200 timed within the budget. */
function timeSteps(step: () => void): number {
  const t0 = performance.now();
  step();
  if (performance.now() - t0 < 5000) step();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 3 || (times.length < 200 && performance.now() - start < seconds * 1000)) {
    const t = performance.now();
    step();
    times.push(performance.now() - t);
  }
  return median(times);
}

async function profile(step: () => void, stepMs: number): Promise<void> {
  const info = await tf.profile(step);
  const byKernel = new Map<string, { calls: number; ms: number }>();
  for (const k of info.kernels) {
    // Custom-gradient ops (fusedConv2d__op, ...) are scopes around kernels listed on their own.
    if (k.name.endsWith('__op')) continue;
    const ms = await k.kernelTimeMs;
    const e = byKernel.get(k.name) ?? { calls: 0, ms: 0 };
    e.calls += 1;
    e.ms += typeof ms === 'number' ? ms : 0;
    byKernel.set(k.name, e);
  }
  const rows = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const inKernels = rows.reduce((s, [, e]) => s + e.ms, 0);
  log(`  profile (one step under tf.profile; shares of the ${stepMs.toFixed(1)} ms median step):`);
  for (const [name, e] of rows.filter(([, e]) => e.ms >= 0.005 * stepMs)) {
    log(`    ${name.padEnd(22)} ${String(e.calls).padStart(5)} calls ${e.ms.toFixed(1).padStart(9)} ms ${((100 * e.ms) / stepMs).toFixed(1).padStart(5)}%`);
  }
  const rest = rows.filter(([, e]) => e.ms < 0.005 * stepMs).reduce((s, [, e]) => s + e.ms, 0);
  log(`    ${'(other kernels)'.padEnd(22)} ${''.padStart(11)} ${rest.toFixed(1).padStart(9)} ms`);
  log(`    ${'(outside kernels)'.padEnd(22)} ${''.padStart(11)} ${(stepMs - inKernels).toFixed(1).padStart(9)} ms`);
}

function pytorch(): Map<ModelName, number> | string {
  const python = '/usr/bin/python3';
  const script = fileURLToPath(new URL('../compute_pytorch.py', import.meta.url));
  if (!existsSync(python)) return `${python} not found`;
  const names = models.map((m) => m.name).join(',');
  const batches = models.map((m) => `${m.name}=${m.batch}`).join(',');
  const n = String(threads);
  const r = spawnSync(python, [script, '--threads', n, '--models', names, '--batches', batches], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, MKL_NUM_THREADS: n },
  });
  if (r.status !== 0) {
    const why = (r.stderr || r.error?.message || '').trim().split('\n').pop();
    return `PyTorch run failed (apt-get install python3-torch libopenblas0-openmp): ${why}`;
  }
  const out = new Map<ModelName, number>();
  for (const line of r.stdout.trim().split('\n')) {
    const row = JSON.parse(line) as Row;
    out.set(row.model, row.step_ms);
  }
  return out;
}

function report(row: Row, reference?: number): void {
  if (opts.json) {
    console.log(JSON.stringify(row));
    return;
  }
  const ratio = reference && row.backend !== 'pytorch' ? `  ${(reference / row.step_ms).toFixed(2)}x PyTorch` : '';
  log(
    `${row.model.padEnd(9)} ${row.backend.padEnd(8)} batch ${String(row.batch).padStart(3)}  ${row.threads} thr ` +
      `${row.step_ms.toFixed(1).padStart(9)} ms/step ${row.images_per_s.toFixed(0).padStart(7)} img/s${ratio}`,
  );
}

async function main(): Promise<void> {
  tf.env().set('PROD', true);
  const available = new Map<BackendName, string | null>();
  for (const m of models) {
    const reference = opts['no-pytorch'] ? 'skipped (--no-pytorch)' : pytorch();
    const refMs = typeof reference === 'string' ? undefined : reference.get(m.name);
    if (typeof reference === 'string') log(`pytorch: ${reference}`);
    else if (refMs !== undefined) {
      report({ model: m.name, backend: 'pytorch', batch: m.batch, threads, step_ms: refMs, images_per_s: (m.batch * 1000) / refMs });
    }
    for (const b of backends) {
      if (b === 'cpu' && m.name !== 'mlp') continue;
      if (!available.has(b)) available.set(b, await select(b));
      const unavailable = available.get(b);
      if (unavailable) {
        log(`${m.name.padEnd(9)} ${b.padEnd(8)} unavailable: ${unavailable}`);
        continue;
      }
      await tf.setBackend(b);
      const model = buildModel(m);
      const { step, dispose } = trainer(model, m);
      const ms = timeSteps(step);
      report({ model: m.name, backend: b, batch: m.batch, threads, step_ms: ms, images_per_s: (m.batch * 1000) / ms }, refMs);
      if (opts.profile && b === 'native') await profile(step, ms);
      dispose();
      model.dispose();
    }
  }
}

await main();
