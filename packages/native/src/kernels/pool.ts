// MaxPool, AvgPool and their gradients over NHWC.
import { AvgPool, AvgPoolGrad, MaxPool, MaxPoolGrad, backend_util } from '@tensorflow/tfjs-core';
import { type NativeKernel, type NativeKernelFunc, allFloat32, size } from './kernel.js';

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The addon's pooling geometry, or null where the cpu kernel should run (a 1x1 identity window). */
function geometry(xShape: number[], a: PoolAttrs, rounding = a.dimRoundingMode) {
  if (xShape.length !== 4) return null;
  const info = backend_util.computePool2DInfo(
    xShape as [number, number, number, number],
    a.filterSize,
    a.strides,
    1,
    a.pad,
    rounding,
  );
  if (info.outHeight <= 0 || info.outWidth <= 0) return null;
  if (info.filterHeight === 1 && info.filterWidth === 1 && info.inHeight === info.outHeight && info.inWidth === info.outWidth) {
    return null;
  }
  const g = [
    info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left,
  ];
  return { info, g };
}

function forward(op: 'maxPool' | 'avgPool'): NativeKernelFunc {
  return (args, cpu) => {
    const { inputs, backend } = args;
    const { x } = inputs;
    const geo = allFloat32(x) ? geometry(x.shape, args.attrs as unknown as PoolAttrs) : null;
    if (!geo) return cpu(args);
    const out = backend.alloc(size(geo.info.outShape));
    backend.addon[op](backend.f32(x), out, geo.g);
    return backend.output(geo.info.outShape, out);
  };
}

const maxPoolGrad: NativeKernelFunc = (args, cpu) => {
  const { inputs, backend } = args;
  const { dy, input } = inputs;
  const geo = allFloat32(dy, input) ? geometry(input.shape, args.attrs as unknown as PoolAttrs) : null;
  if (!geo) return cpu(args);
  const dx = backend.alloc(size(input.shape));
  backend.addon.maxPoolGrad(backend.f32(dy), backend.f32(input), dx, geo.g);
  return backend.output(input.shape, dx);
};

const avgPoolGrad: NativeKernelFunc = (args, cpu) => {
  const { inputs, backend } = args;
  const { dy, input } = inputs;
  // The cpu kernel computes this geometry without the rounding mode; so does this one.
  const geo = allFloat32(dy) ? geometry(input.shape, args.attrs as unknown as PoolAttrs, undefined) : null;
  if (!geo) return cpu(args);
  const dx = backend.alloc(size(input.shape));
  backend.addon.avgPoolGrad(backend.f32(dy), dx, geo.g);
  return backend.output(input.shape, dx);
};

export const poolKernels: NativeKernel[] = [
  { kernelName: MaxPool, kernelFunc: forward('maxPool') },
  { kernelName: AvgPool, kernelFunc: forward('avgPool') },
  { kernelName: MaxPoolGrad, kernelFunc: maxPoolGrad },
  { kernelName: AvgPoolGrad, kernelFunc: avgPoolGrad },
];
