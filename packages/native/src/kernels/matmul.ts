// BatchMatMul and _FusedMatMul (bias and activation applied by the addon in the same pass).
import { BatchMatMul, _FusedMatMul, broadcast_util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { FusedActivation } from '../addon.js';
import { type KernelArgs, type NativeKernel, type NativeKernelFunc, allFloat32, isRowVector, optional, size } from './kernel.js';

const fusable: ReadonlySet<string> = new Set(['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid']);

interface Product {
  outShape: number[];
  dims: number[];
  n: number;
}

/** Shapes as the cpu kernel reads them, including its batch rule (batch i uses i % batchDim). */
function product(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): Product | null {
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra < 2 || rb < 2) return null;
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== kb || m === 0 || n === 0 || k === 0) return null;
  const outer = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batchA = size(a.shape.slice(0, -2));
  const batchB = size(b.shape.slice(0, -2));
  return { outShape: [...outer, m, n], dims: [batchA, batchB, m, n, k, transposeA ? 1 : 0, transposeB ? 1 : 0], n };
}

function run(
  { inputs, backend }: KernelArgs,
  p: Product,
  bias: TensorInfo | undefined,
  activation: FusedActivation,
  alpha: number,
): TensorInfo {
  const { a, b } = inputs;
  const out = backend.alloc(size(p.outShape));
  const biasValues = bias ? backend.f32(bias) : null;
  backend.addon.matmul(backend.f32(a), backend.f32(b), biasValues, out, p.dims, activation, alpha);
  return backend.output(p.outShape, out);
}

const batchMatMul: NativeKernelFunc = (args, cpu) => {
  const { a, b } = args.inputs;
  const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
  const p = allFloat32(a, b) ? product(a, b, transposeA, transposeB) : null;
  if (!p) return cpu(args);
  return run(args, p, undefined, 'linear', 0);
};

const fusedMatMul: NativeKernelFunc = (args, cpu) => {
  const { a, b } = args.inputs;
  const bias = optional(args.inputs, 'bias');
  const { transposeA, transposeB, activation, leakyreluAlpha } = args.attrs as {
    transposeA: boolean;
    transposeB: boolean;
    activation?: string;
    leakyreluAlpha?: number;
  };
  const act = activation ?? 'linear';
  const p = allFloat32(a, b, bias) ? product(a, b, transposeA, transposeB) : null;
  if (!p || !fusable.has(act) || (bias && !isRowVector(bias, p.n))) return cpu(args);
  return run(args, p, bias, act as FusedActivation, leakyreluAlpha ?? 0.2);
};

export const matmulKernels: NativeKernel[] = [
  { kernelName: BatchMatMul, kernelFunc: batchMatMul },
  { kernelName: _FusedMatMul, kernelFunc: fusedMatMul },
];
