// What a native kernel is: a function of the usual kernel arguments and of the cpu backend's
// kernel for the same op, which it calls for the cases it does not handle (other dtypes,
// layouts or attributes).
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeBackend } from '../backend.js';

export interface KernelArgs {
  /** Required inputs are present; read optional ones (bias, offset, scale) with `optional`. */
  inputs: Record<string, TensorInfo>;
  backend: NativeBackend;
  attrs?: NamedAttrMap;
}

export function optional(inputs: KernelArgs['inputs'], name: string): TensorInfo | undefined {
  return inputs[name] as TensorInfo | undefined;
}

export type NativeKernelFunc = (args: KernelArgs, cpu: KernelFunc) => TensorInfo | TensorInfo[];

export interface NativeKernel {
  kernelName: string;
  kernelFunc: NativeKernelFunc;
}

/** True where every given tensor is float32 (absent optional inputs pass). */
export function allFloat32(...ts: (TensorInfo | undefined)[]): boolean {
  return ts.every((t) => t === undefined || t.dtype === 'float32');
}

export function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** True where `t` is a vector along the last axis of length n: shape [n], [1, n], [1, 1, n], ... */
export function isRowVector(t: TensorInfo, n: number): boolean {
  const s = t.shape;
  return s.length > 0 && s[s.length - 1] === n && s.slice(0, -1).every((d) => d === 1);
}
