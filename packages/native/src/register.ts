// Registers the `native` backend: every kernel of the cpu backend, with the ones this package
// implements replaced by their native versions (which fall back to the cpu ones where needed).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { Addon } from './addon.js';
import { NativeBackend } from './backend.js';
import { registerNativeGradients } from './gradients.js';
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
  const cpu = new Map(tf.getKernelsForBackend('cpu').map((k) => [k.kernelName, k]));
  const native = new Set(nativeKernels.map((k) => k.kernelName));
  for (const config of cpu.values()) {
    if (!native.has(config.kernelName)) tf.registerKernel({ ...config, backendName: BACKEND_NAME });
  }
  for (const { kernelName, kernelFunc } of nativeKernels) {
    const config = cpu.get(kernelName);
    const fallback: tf.KernelFunc =
      config?.kernelFunc ??
      (() => {
        throw new Error(`${kernelName}: no cpu kernel to fall back to`);
      });
    tf.registerKernel({
      ...config,
      kernelName,
      backendName: BACKEND_NAME,
      kernelFunc: (args) => kernelFunc(args as unknown as KernelArgs, fallback),
    });
  }
  registerNativeGradients(BACKEND_NAME);
}
