import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { WasmKernelScope } from './wasm-kernel-scope.js';

export interface PatchGeometry {
  filterHeight: number;
  filterWidth: number;
  inChannels: number;
  /** Forwarded to DepthwiseConv2dNative as is: strides, pad, dilations, dimRoundingMode. */
  attrs: NamedAttrMap;
}

// One selector filter per (backend, filter size, channels). Kept for the backend's lifetime: the
// wasm backend caches its XNNPACK operator by filter, so a fresh filter per call would rebuild it.
const selectors = new WeakMap<BackendWasm, Map<string, TensorInfo>>();

/** Filter [fh, fw, c, fh*fw] with a 1 where output channel q of input channel c is tap q. */
function selectorFilter(backend: BackendWasm, fh: number, fw: number, c: number): TensorInfo {
  let perBackend = selectors.get(backend);
  if (perBackend === undefined) selectors.set(backend, (perBackend = new Map()));
  const key = `${fh}x${fw}x${c}`;
  const cached = perBackend.get(key);
  if (cached !== undefined) return cached;
  const taps = fh * fw;
  const values = new Float32Array(taps * c * taps);
  for (let tap = 0; tap < taps; tap++) {
    for (let ch = 0; ch < c; ch++) values[(tap * c + ch) * taps + tap] = 1;
  }
  const filter = backend.makeOutput([fh, fw, c, taps], 'float32', undefined, values);
  perBackend.set(key, filter);
  return filter;
}

/**
 * im2col by the wasm depthwise convolution (XNNPACK) with a selector filter: returns the input
 * patches as [batch, outHeight, outWidth, inChannels * fh * fw], column index
 * `c * fh * fw + kh * fw + kw`. Stride, padding and dilation are handled exactly as the forward
 * convolution handles them, since both go through the same geometry.
 */
export function extractPatches(scope: WasmKernelScope, x: TensorInfo, g: PatchGeometry): TensorInfo {
  const filter = selectorFilter(scope.backend, g.filterHeight, g.filterWidth, g.inChannels);
  return scope.run('DepthwiseConv2dNative', { x, filter }, g.attrs);
}
