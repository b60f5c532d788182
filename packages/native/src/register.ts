// Registers the `native` backend: every kernel of the cpu backend, with the ones this package
// implements replaced by their native versions (which fall back to the cpu ones where needed).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { Addon } from './addon.js';
import { NativeBackend } from './backend.js';
import { batchNormKernels } from './kernels/batchnorm.js';
import { convKernels } from './kernels/conv.js';
import { copyKernels } from './kernels/copy.js';
import { elementwiseKernels } from './kernels/elementwise.js';
import type { KernelArgs, NativeKernel } from './kernels/kernel.js';
import { matmulKernels } from './kernels/matmul.js';
import { poolKernels } from './kernels/pool.js';
import { reduceKernels } from './kernels/reduce.js';

export const BACKEND_NAME = 'native';

export const nativeKernels: readonly NativeKernel[] = [
  ...matmulKernels,
  ...convKernels,
  ...copyKernels,
  ...poolKernels,
  ...batchNormKernels,
  ...elementwiseKernels,
  ...reduceKernels,
];

export function registerBackendAndKernels(addon: Addon): void {
  // Priority 0: the backend is used where it is asked for by name, never picked by default.
  tf.registerBackend(BACKEND_NAME, () => new NativeBackend(addon), 0);
  const native = new Map(nativeKernels.map((k) => [k.kernelName, k.kernelFunc]));
  for (const config of tf.getKernelsForBackend('cpu')) {
    const nativeFunc = native.get(config.kernelName);
    const cpuFunc = config.kernelFunc;
    const kernelFunc: tf.KernelFunc = nativeFunc
      ? (args) => nativeFunc(args as unknown as KernelArgs, cpuFunc)
      : cpuFunc;
    tf.registerKernel({ ...config, backendName: BACKEND_NAME, kernelFunc });
  }
}
