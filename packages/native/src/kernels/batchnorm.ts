// FusedBatchNorm (the normalisation step; the batch statistics are separate Mean kernels), and
// the per-channel sums its gradient needs (a kernel of this backend only: see gradients.ts).
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

/** Kernel name of batchNormSums: inputs dy, x, mean (per channel); outputs sum(dy), sum(dy * (x - mean)). */
export const BATCH_NORM_SUMS = 'RwpBatchNormSums';

const batchNormSums: NativeKernelFunc = ({ inputs, backend }) => {
  const { dy, x, mean } = inputs;
  const channels = mean.shape[0];
  const sumDy = new Float32Array(channels);
  const sumDyXc = new Float32Array(channels);
  backend.addon.batchNormSums(backend.f32(dy), backend.f32(x), backend.f32(mean), channels, sumDy, sumDyXc);
  return [backend.output([channels], sumDy), backend.output([channels], sumDyXc)];
};

export const batchNormKernels: NativeKernel[] = [
  { kernelName: FusedBatchNorm, kernelFunc: batchNorm },
  { kernelName: BATCH_NORM_SUMS, kernelFunc: batchNormSums },
];
