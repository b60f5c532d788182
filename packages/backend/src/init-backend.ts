import { cudaDevicesFromEnv } from '@rwp/process-group';
import { explain, failed, type Attempt, type Failed, type Loaded } from './attempt.js';
import { checkBackendName, checkThreads, type BackendName } from './backend-names.js';
import { checkGpu } from './gpu-check.js';
import { loadCpu, loadWasm } from './js-backends.js';
import { loadNative } from './native-backend.js';
import { loadTensorflow, tensorflowInstalled } from './tensorflow-backend.js';
import { loadWebgpu } from './webgpu-backend.js';

export interface BackendChoice {
  name: Exclude<BackendName, 'auto'>;
  /** tf.getBackend() once chosen. */
  tfBackend: string;
  /** One line: why this backend, naming each option skipped on the way. */
  reason: string;
  threads: number;
}

export interface InitBackendOptions {
  backend: BackendName;
  /** Threads for the native kernels (default 1); the other backends size their own. */
  threads?: number;
  log?: (msg: string) => void;
}

const GPU_PACKAGE = '@tensorflow/tfjs-node-gpu';
const CPU_PACKAGE = '@tensorflow/tfjs-node';

function chosen(name: BackendChoice['name'], a: Loaded, reason: string): BackendChoice {
  return { name, tfBackend: a.tfBackend, reason, threads: a.threads };
}

async function chooseExplicit(name: BackendChoice['name'], threads: number, log: (msg: string) => void): Promise<BackendChoice> {
  const refuse = (why: string): never => {
    throw new Error(`backend ${name}: ${why}`);
  };
  if (name === 'tensorflow-gpu') {
    const a = await loadTensorflow(GPU_PACKAGE);
    if (!a.ok) return refuse(explain(a));
    if (!a.onGpu) {
      const devices = cudaDevicesFromEnv();
      const shown = devices === undefined ? 'unset' : `"${devices}"`;
      const needs = 'needs CUDA 11.2 and cuDNN 8.1 libraries';
      return refuse(`${GPU_PACKAGE} loaded, but TensorFlow found no GPU (CUDA_VISIBLE_DEVICES ${shown}; ${needs})`);
    }
    return chosen(name, a, `requested: ${a.detail}`);
  }
  if (name === 'webgpu') {
    const a = await loadWebgpu(true, log);
    if (!a.ok) return refuse(explain(a));
    if (a.software) log(`backend webgpu: warning: ${a.detail} is a software adapter (CPU): correct, but slow; for speed use a GPU or backend native`);
    return chosen(name, a, `requested: ${a.detail}`);
  }
  const loaders: Record<Exclude<typeof name, 'tensorflow-gpu' | 'webgpu'>, () => Promise<Attempt>> = {
    tensorflow: () => loadTensorflow(CPU_PACKAGE),
    native: () => loadNative(threads),
    wasm: loadWasm,
    cpu: loadCpu,
  };
  const a = await loaders[name]();
  if (!a.ok) return refuse(explain(a));
  return chosen(name, a, `requested: ${a.detail}`);
}

/** GPU TensorFlow, then WebGPU on a hardware adapter, then CPU TensorFlow, then the native kernels, then wasm; never pure-JS cpu. */
async function chooseAuto(threads: number, log: (msg: string) => void): Promise<BackendChoice> {
  const skipped: string[] = [];
  const skip = (a: Failed): void => {
    skipped.push(`${a.what} ${a.reason}`);
    log(`backend auto: skipping ${explain(a)}`);
  };
  const because = (a: Loaded): string => `auto: ${[...skipped, a.detail].join('; ')}`;

  // The GPU package is only loaded where a GPU is visible: once loaded it owns the "tensorflow"
  // backend, and @tensorflow/tfjs-node could no longer be used instead.
  const gpu = tensorflowInstalled(GPU_PACKAGE) ? await checkGpu() : undefined;
  if (gpu !== undefined && !gpu.visible) {
    skip(failed(GPU_PACKAGE, `not used, ${gpu.detail}`));
  } else {
    const a = await loadTensorflow(GPU_PACKAGE);
    if (a.ok) {
      if (a.onGpu) return chosen('tensorflow-gpu', a, because(a));
      return chosen('tensorflow', a, because({ ...a, detail: `${a.detail} (${gpu?.detail}, but TensorFlow found none)` }));
    }
    skip(a);
  }

  const web = await loadWebgpu(false, log);
  if (web.ok) return chosen('webgpu', web, because(web));
  skip(web);

  for (const [name, load] of [
    ['tensorflow', () => loadTensorflow(CPU_PACKAGE)],
    ['native', () => loadNative(threads)],
    ['wasm', loadWasm],
  ] as const) {
    const a = await load();
    if (a.ok) return chosen(name, a, because(a));
    skip(a);
  }
  throw new Error(`backend auto: no usable backend (${skipped.join('; ')}); pure-JS cpu is only used when asked for by name`);
}

/** Picks, loads and makes current the TensorFlow.js backend for this process. */
export async function initBackend(opts: InitBackendOptions): Promise<BackendChoice> {
  const requested = checkBackendName(opts.backend);
  const threads = checkThreads(opts.threads);
  const log = opts.log ?? ((msg: string) => process.stderr.write(`${msg}\n`));
  const choice = requested === 'auto' ? await chooseAuto(threads, log) : await chooseExplicit(requested, threads, log);
  if (opts.threads !== undefined && choice.threads !== threads) {
    log(`backend ${choice.name}: threads=${threads} not applied; it runs with ${choice.threads}`);
  }
  log(`backend ${choice.name}: ${choice.reason}`);
  return choice;
}
