// bench:optimizers --pytorch: the PyTorch reference (benchmarks/optimizers_pytorch.py) on the same
// model, data, per-rank batch and steps as rwp's runs, one thread per process, gloo between ranks.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FASHION_MNIST_DIRS } from '@rwp/data';
import type { MethodSpec } from './bench-methods.js';
import type { OptimizersOptions } from './optimizers-options.js';
import { BenchmarkError, runProgram, type FinishedRun } from './training-runs.js';

const SCRIPT = fileURLToPath(new URL('../optimizers_pytorch.py', import.meta.url));
const HINT = 'apt-get install -y python3-torch libopenblas0-openmp';
/** The models optimizers_pytorch.py builds for 28x28x1 images (compute_pytorch.py's). */
export const PYTORCH_MODELS = ['mlp', 'cnn'];

/** Why the reference cannot run with these options and this python, or null when it can. */
export function pytorchUnavailable(o: Pick<OptimizersOptions, 'model' | 'dataset' | 'python'>): string | null {
  if (o.dataset !== 'fashion-mnist') return `--pytorch runs on --dataset fashion-mnist only (got ${o.dataset})`;
  if (!PYTORCH_MODELS.includes(o.model)) return `--pytorch has the models ${PYTORCH_MODELS.join(', ')} (got ${o.model})`;
  if (!fashionMnistDir()) return `--pytorch reads Fashion-MNIST's IDX files from ${FASHION_MNIST_DIRS.join(' or ')}: not found (apt-get install dataset-fashion-mnist)`;
  const r = spawnSync(o.python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (r.status !== 0) return `${o.python} cannot import torch (${HINT}): ${(r.error?.message ?? r.stderr).trim().split('\n').pop()}`;
  return null;
}

function fashionMnistDir(): string | undefined {
  return FASHION_MNIST_DIRS.find((d) => existsSync(join(d, 'train-images-idx3-ubyte.gz')));
}

/** The reference's command line for one run: warm-up and timed steps, as rwp-train runs them. */
export function pytorchArgv(spec: MethodSpec, o: OptimizersOptions, dir: string): string[] {
  const argv = [o.python, SCRIPT, '--method', spec.method, '--nproc', String(spec.nproc), '--model', o.model, '--data', fashionMnistDir() ?? FASHION_MNIST_DIRS[0]];
  argv.push('--batch', String(o.batch), '--steps', String(o.warmup + o.steps), '--seed', String(o.seed), '--out', dir);
  if (o.limitTrain !== undefined) argv.push('--limit-train', String(o.limitTrain));
  return argv;
}

export async function runPyTorch(spec: MethodSpec, name: string, o: OptimizersOptions, runsDir: string): Promise<FinishedRun> {
  if (spec.method !== 'sgd' && spec.method !== 'sam' && spec.method !== 'rwp') throw new BenchmarkError(`the PyTorch reference has no method ${spec.method}`);
  const dir = join(runsDir, name);
  // One thread per process, as rwp's ranks run (threads: 1); OpenBLAS's pool too.
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  return runProgram(name, dir, pytorchArgv(spec, o, dir), env);
}
