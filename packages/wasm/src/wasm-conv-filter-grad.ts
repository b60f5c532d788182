import {
  backend_util,
  Conv2DBackpropFilter,
  DepthwiseConv2dNativeBackpropFilter,
  getKernel,
  registerKernel,
  type Conv2DBackpropFilterAttrs,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { view, WasmKernelScope } from './wasm-kernel-scope.js';
import { extractPatches, type PatchGeometry } from './wasm-patches.js';

type Shape4 = [number, number, number, number];

/**
 * Patch floats per product (8 MiB). Larger batches are processed in slices and summed: besides
 * bounding memory, products this size ran 10-30% faster than one 64 MiB product on ResNet-18's
 * layers and up to 10% faster on the small CNN's (measured on this host).
 */
const DEFAULT_PATCH_BUDGET = 1 << 21;

function takeInputs(kernel: string, inputs: NamedTensorInfoMap): { x: TensorInfo; dy: TensorInfo } {
  const { x, dy } = inputs;
  if (x === undefined || dy === undefined) throw new Error(`${kernel} (wasm): inputs x and dy are required`);
  return { x, dy };
}

function checkRank4Float(kernel: string, x: TensorInfo, dy: TensorInfo): void {
  for (const [name, t] of [['x', x], ['dy', dy]] as const) {
    if (t.dtype !== 'float32') throw new Error(`${kernel} (wasm): ${name} must be float32, got ${t.dtype}`);
    if (t.shape.length !== 4) throw new Error(`${kernel} (wasm): ${name} must be rank 4, got shape [${t.shape}]`);
  }
}

function checkGeometry(kernel: string, x: TensorInfo, dy: TensorInfo, filterShape: Shape4, expectedDy: number[]): void {
  if (x.shape[3] !== filterShape[2]) {
    throw new Error(`${kernel} (wasm): x has ${x.shape[3]} channels but the filter [${filterShape}] expects ${filterShape[2]}`);
  }
  if (dy.shape.some((d, i) => d !== expectedDy[i])) {
    throw new Error(
      `${kernel} (wasm): dy has shape [${dy.shape}] but x [${x.shape}] and the filter give [${expectedDy}]`,
    );
  }
}

function patchAttrs(
  strides: Conv2DBackpropFilterAttrs['strides'],
  pad: Conv2DBackpropFilterAttrs['pad'],
  dilations: DepthwiseConv2dNativeBackpropFilterAttrs['dilations'],
  dimRoundingMode: Conv2DBackpropFilterAttrs['dimRoundingMode'],
): NamedAttrMap {
  return dimRoundingMode === undefined ? { strides, pad, dilations } : { strides, pad, dilations, dimRoundingMode };
}

/**
 * Examples [start, start + n) of a float32 NHWC tensor, copied straight from the wasm heap: the
 * wasm Slice kernel first copies the whole tensor out of the heap, once per slice.
 */
function batchSlice(scope: WasmKernelScope, t: TensorInfo, start: number, n: number): TensorInfo {
  const perExample = t.shape[1] * t.shape[2] * t.shape[3];
  const out = scope.adopt(scope.backend.makeOutput([n, ...t.shape.slice(1)], t.dtype));
  // Views taken after the allocation, which may have grown (and so replaced) the heap.
  const source = scope.backend.typedArrayFromHeap(t);
  scope.backend.typedArrayFromHeap(out).set(source.subarray(start * perExample, (start + n) * perExample));
  return out;
}

/** Runs `grad` on slices of the batch small enough for the patch budget and sums the results. */
function inBatchSlices(
  backend: BackendWasm,
  x: TensorInfo,
  dy: TensorInfo,
  patchFloatsPerExample: number,
  patchBudget: number,
  grad: (scope: WasmKernelScope, x: TensorInfo, dy: TensorInfo) => TensorInfo,
): TensorInfo {
  const batch = x.shape[0];
  const slices = Math.ceil(batch / Math.max(1, Math.floor(patchBudget / patchFloatsPerExample)));
  const perSlice = Math.ceil(batch / slices); // even slices: no small leftover product
  const scope = new WasmKernelScope(backend);
  try {
    if (perSlice >= batch) return scope.keep(grad(scope, x, dy));
    let total: TensorInfo | undefined;
    for (let start = 0; start < batch; start += perSlice) {
      const n = Math.min(perSlice, batch - start);
      const slice = new WasmKernelScope(backend);
      let part: TensorInfo;
      try {
        part = slice.keep(grad(slice, batchSlice(slice, x, start, n), batchSlice(slice, dy, start, n)));
      } finally {
        slice.dispose();
      }
      scope.adopt(part);
      if (total === undefined) {
        total = part;
      } else {
        const sum = scope.run('Add', { a: total, b: part });
        scope.release(total);
        scope.release(part);
        total = sum;
      }
    }
    return scope.keep(total as TensorInfo);
  } finally {
    scope.dispose();
  }
}

/**
 * dW[kh,kw,c,o] = sum over (b,i,j) of patch[b,i,j,(c,kh,kw)] * dy[b,i,j,o], one matrix product.
 * The wasm transposed matMul variants run several times slower than a plain product, so the
 * narrower operand is transposed explicitly and the product itself is plain.
 */
function denseFilterGrad(
  scope: WasmKernelScope,
  x: TensorInfo,
  dy: TensorInfo,
  g: PatchGeometry,
  outChannels: number,
): TensorInfo {
  const { filterHeight: fh, filterWidth: fw, inChannels: c } = g;
  const m = dy.shape[0] * dy.shape[1] * dy.shape[2];
  const k = c * fh * fw;
  const patches = view(extractPatches(scope, x, g), [m, k]);
  const dy2 = view(dy, [m, outChannels]);
  const plain = { transposeA: false, transposeB: false };
  if (k <= outChannels) {
    const patchesT = scope.run('Transpose', { x: patches }, { perm: [1, 0] });
    const prod = scope.run('BatchMatMul', { a: patchesT, b: dy2 }, plain);
    return scope.run('Transpose', { x: view(prod, [c, fh, fw, outChannels]) }, { perm: [1, 2, 0, 3] });
  }
  const dyT = scope.run('Transpose', { x: dy2 }, { perm: [1, 0] });
  const prod = scope.run('BatchMatMul', { a: dyT, b: patches }, plain);
  return scope.run('Transpose', { x: view(prod, [outChannels, c, fh, fw]) }, { perm: [2, 3, 1, 0] });
}

/** Per channel c: dW[:,:,c,q] = patches_c^T dy_c, as one batched plain product over channels. */
function depthwiseFilterGrad(
  scope: WasmKernelScope,
  x: TensorInfo,
  dy: TensorInfo,
  g: PatchGeometry,
  multiplier: number,
): TensorInfo {
  const { filterHeight: fh, filterWidth: fw, inChannels: c } = g;
  const m = dy.shape[0] * dy.shape[1] * dy.shape[2];
  const taps = fh * fw;
  const patches = view(extractPatches(scope, x, g), [m, c, taps]);
  const patchesT = scope.run('Transpose', { x: patches }, { perm: [1, 2, 0] });
  const dyT = scope.run('Transpose', { x: view(dy, [m, c, multiplier]) }, { perm: [1, 0, 2] });
  const prod = scope.run('BatchMatMul', { a: patchesT, b: dyT }, { transposeA: false, transposeB: false });
  return scope.run('Transpose', { x: view(prod, [c, fh, fw, multiplier]) }, { perm: [1, 2, 0, 3] });
}

function conv2dBackpropFilterKernel(patchBudget: number): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = takeInputs(Conv2DBackpropFilter, inputs);
    const a = attrs as unknown as Conv2DBackpropFilterAttrs;
    if (a.dataFormat !== 'NHWC') {
      throw new Error(`Conv2DBackpropFilter (wasm): only NHWC is supported, got dataFormat ${a.dataFormat}`);
    }
    checkRank4Float(Conv2DBackpropFilter, x, dy);
    const filterShape = a.filterShape;
    const info = backend_util.computeConv2DInfo(
      x.shape as Shape4, filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast',
    );
    checkGeometry(Conv2DBackpropFilter, x, dy, filterShape, info.outShape);
    const [fh, fw, c, outChannels] = filterShape;
    const g: PatchGeometry = {
      filterHeight: fh,
      filterWidth: fw,
      inChannels: c,
      attrs: patchAttrs(a.strides, a.pad, 1, a.dimRoundingMode),
    };
    const perExample = info.outHeight * info.outWidth * c * fh * fw;
    return inBatchSlices(backend as BackendWasm, x, dy, perExample, patchBudget, (scope, xs, dys) =>
      denseFilterGrad(scope, xs, dys, g, outChannels),
    );
  };
}

function depthwiseBackpropFilterKernel(patchBudget: number): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = takeInputs(DepthwiseConv2dNativeBackpropFilter, inputs);
    const a = attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
    checkRank4Float(DepthwiseConv2dNativeBackpropFilter, x, dy);
    const filterShape = a.filterShape;
    const info = backend_util.computeConv2DInfo(
      x.shape as Shape4, filterShape, a.strides, a.dilations, a.pad, a.dimRoundingMode, true, 'channelsLast',
    );
    checkGeometry(DepthwiseConv2dNativeBackpropFilter, x, dy, filterShape, info.outShape);
    const [fh, fw, c, multiplier] = filterShape;
    const g: PatchGeometry = {
      filterHeight: fh,
      filterWidth: fw,
      inChannels: c,
      attrs: patchAttrs(a.strides, a.pad, a.dilations, a.dimRoundingMode),
    };
    const perExample = info.outHeight * info.outWidth * c * fh * fw;
    return inBatchSlices(backend as BackendWasm, x, dy, perExample, patchBudget, (scope, xs, dys) =>
      depthwiseFilterGrad(scope, xs, dys, g, multiplier),
    );
  };
}

/** The kernels, with the patch budget as a parameter so tests can force batch slicing. */
export function wasmFilterGradKernels(patchBudget = DEFAULT_PATCH_BUDGET): KernelConfig[] {
  return [
    { kernelName: Conv2DBackpropFilter, backendName: 'wasm', kernelFunc: conv2dBackpropFilterKernel(patchBudget) },
    {
      kernelName: DepthwiseConv2dNativeBackpropFilter,
      backendName: 'wasm',
      kernelFunc: depthwiseBackpropFilterKernel(patchBudget),
    },
  ];
}

/**
 * Registers the filter-gradient kernels tfjs-backend-wasm lacks (Conv2DBackpropFilter, which
 * Conv2D and FusedConv2D gradients both use, and DepthwiseConv2dNativeBackpropFilter). Kernels
 * the wasm backend already has are left alone, so calling this twice is harmless.
 */
export function registerWasmConvFilterGrad(): void {
  for (const config of wasmFilterGradKernels()) {
    if (getKernel(config.kernelName, 'wasm') === undefined) registerKernel(config);
  }
}
