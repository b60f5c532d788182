// FusedBatchNorm (the normalisation step; the batch statistics are separate Mean kernels).
import { FusedBatchNorm } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { type NativeKernel, type NativeKernelFunc, allFloat32, optional } from './kernel.js';

const batchNorm: NativeKernelFunc = (args, cpu) => {
  const { inputs, backend, attrs } = args;
  const { x, mean, variance } = inputs;
  const offset = optional(inputs, 'offset');
  const scale = optional(inputs, 'scale');
  const channels = x.shape[x.shape.length - 1] ?? 1;
  // The cpu kernel cycles each parameter over x by its own length: per channel where that
  // length is the channel count, a constant where it is 1.
  const perChannel = (t: TensorInfo | undefined) => {
    if (t === undefined) return true;
    const n = t.shape.reduce((a, b) => a * b, 1);
    return n === 1 || n === channels;
  };
  const params = [mean, variance, offset, scale];
  if (x.shape.length === 0 || !allFloat32(x, ...params) || !params.every(perChannel)) return cpu(args);
  const out = backend.alloc(backend.f32(x).length);
  const eps = (attrs?.varianceEpsilon as number | undefined) ?? 0.001;
  const opt = (t: TensorInfo | undefined) => (t ? backend.f32(t) : null);
  backend.addon.batchNorm(backend.f32(x), channels, backend.f32(mean), backend.f32(variance), opt(offset), opt(scale), out, eps);
  return backend.output(x.shape, out);
};

export const batchNormKernels: NativeKernel[] = [{ kernelName: FusedBatchNorm, kernelFunc: batchNorm }];
