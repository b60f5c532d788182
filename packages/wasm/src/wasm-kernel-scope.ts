import { getKernel, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Runs wasm kernels on TensorInfos for a kernel composed of other kernels. Every kernel output is
 * an owned reference on the wasm heap (reshapes included: they raise the reference count), so the
 * scope frees all of them except the one handed out with `keep`, on every exit path.
 */
export class WasmKernelScope {
  private readonly owned: TensorInfo[] = [];

  constructor(readonly backend: BackendWasm) {}

  run(kernelName: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo {
    const config = getKernel(kernelName, 'wasm');
    if (config === undefined) throw new Error(`the wasm backend has no ${kernelName} kernel`);
    const out = config.kernelFunc({ inputs, backend: this.backend, attrs });
    if (Array.isArray(out)) throw new Error(`wasm kernel ${kernelName} returned several outputs`);
    this.owned.push(out);
    return out;
  }

  /** Makes the scope responsible for freeing `t`, a reference owned by the caller until now. */
  adopt(t: TensorInfo): TensorInfo {
    this.owned.push(t);
    return t;
  }

  /** Frees `t` now, before the scope ends, to bound peak memory. */
  release(t: TensorInfo): void {
    this.backend.disposeData(this.keep(t).dataId);
  }

  /** Takes `t` out of the scope: the caller now owns its reference. */
  keep(t: TensorInfo): TensorInfo {
    const i = this.owned.indexOf(t);
    if (i < 0) throw new Error('WasmKernelScope.keep: tensor was not made in this scope');
    this.owned.splice(i, 1);
    return t;
  }

  dispose(): void {
    for (const t of this.owned.splice(0)) this.backend.disposeData(t.dataId);
  }
}

/** The same data seen with another shape; borrowed, so it is never disposed on its own. */
export function view(t: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}
