// Conv2D, FusedConv2D and the two gradients, NHWC only (the layout TensorFlow.js layers use);
// NCHW, depthwise and prelu cases go to the cpu kernels.
import { Conv2D, Conv2DBackpropFilter, Conv2DBackpropInput, FusedConv2D, backend_util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { FusedActivation } from '../addon.js';
import { type NativeKernel, type NativeKernelFunc, allFloat32, isRowVector, optional, size } from './kernel.js';

type Pad = 'valid' | 'same' | number | backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

interface ConvAttrs {
  strides: number | [number, number];
  pad: Pad;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: Rounding;
}

const fusable: ReadonlySet<string> = new Set(['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid']);

/** The addon's geometry for a convolution of input `xShape` with `filterShape`, or null if not NHWC. */
function geometry(
  xShape: number[],
  filterShape: number[],
  a: ConvAttrs,
  dilations: number | [number, number],
): { info: backend_util.Conv2DInfo; g: number[] } | null {
  if ((a.dataFormat ?? 'NHWC') !== 'NHWC' || xShape.length !== 4 || filterShape.length !== 4) return null;
  const info = backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    a.strides,
    dilations,
    a.pad,
    a.dimRoundingMode,
    false,
    'channelsLast',
  );
  if (info.inChannels !== filterShape[2] || info.outHeight <= 0 || info.outWidth <= 0) return null;
  const p = info.padInfo;
  const g = [
    info.batchSize, info.inHeight, info.inWidth, info.inChannels,
    info.outHeight, info.outWidth, info.outChannels,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth,
    info.dilationHeight, info.dilationWidth, p.top, p.left, p.bottom, p.right,
  ];
  return { info, g };
}

function forward(
  args: Parameters<NativeKernelFunc>[0],
  bias: TensorInfo | undefined,
  activation: FusedActivation,
  alpha: number,
): TensorInfo | null {
  const { inputs, backend } = args;
  const { x, filter } = inputs;
  const attrs = args.attrs as unknown as ConvAttrs;
  const geo = geometry(x.shape, filter.shape, attrs, attrs.dilations ?? 1);
  if (!geo || (bias && !isRowVector(bias, geo.info.outChannels))) return null;
  const out = backend.alloc(size(geo.info.outShape));
  const b = bias ? backend.f32(bias) : null;
  backend.addon.conv2d(backend.f32(x), backend.f32(filter), b, out, geo.g, activation, alpha);
  return backend.output(geo.info.outShape, out);
}

const conv2d: NativeKernelFunc = (args, cpu) => {
  const { x, filter } = args.inputs;
  return (allFloat32(x, filter) && forward(args, undefined, 'linear', 0)) || cpu(args);
};

const fusedConv2d: NativeKernelFunc = (args, cpu) => {
  const { x, filter } = args.inputs;
  const bias = optional(args.inputs, 'bias');
  const { activation, leakyreluAlpha } = args.attrs as { activation?: string; leakyreluAlpha?: number };
  const act = activation ?? 'linear';
  if (!allFloat32(x, filter, bias) || !fusable.has(act)) return cpu(args);
  return forward(args, bias, act as FusedActivation, leakyreluAlpha ?? 0.2) || cpu(args);
};

const conv2dBackpropInput: NativeKernelFunc = (args, cpu) => {
  const { inputs, backend } = args;
  const { dy, filter } = inputs;
  const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
  const geo = allFloat32(dy, filter) ? geometry(attrs.inputShape, filter.shape, attrs, 1) : null;
  if (!geo) return cpu(args);
  const dx = backend.alloc(size(attrs.inputShape));
  backend.addon.conv2dBackpropInput(backend.f32(dy), backend.f32(filter), dx, geo.g);
  return backend.output(attrs.inputShape, dx);
};

const conv2dBackpropFilter: NativeKernelFunc = (args, cpu) => {
  const { inputs, backend } = args;
  const { x, dy } = inputs;
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
  const geo = allFloat32(x, dy) ? geometry(x.shape, attrs.filterShape, attrs, 1) : null;
  if (!geo) return cpu(args);
  const dw = backend.alloc(size(attrs.filterShape));
  backend.addon.conv2dBackpropFilter(backend.f32(x), backend.f32(dy), dw, geo.g);
  return backend.output(attrs.filterShape, dw);
};

export const convKernels: NativeKernel[] = [
  { kernelName: Conv2D, kernelFunc: conv2d },
  { kernelName: FusedConv2D, kernelFunc: fusedConv2d },
  { kernelName: Conv2DBackpropInput, kernelFunc: conv2dBackpropInput },
  { kernelName: Conv2DBackpropFilter, kernelFunc: conv2dBackpropFilter },
];
