// Sum and Mean over any axes of float32 tensors, without the cpu kernel's transpose.
import { Mean, Sum, backend_util, util } from '@tensorflow/tfjs-core';
import { type NativeKernel, type NativeKernelFunc, allFloat32, size } from './kernel.js';

function reduce(mean: boolean): NativeKernelFunc {
  return (args, cpu) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs;
    if (!allFloat32(x)) return cpu(args);
    const { axis, keepDims } = attrs as { axis: number | number[]; keepDims: boolean };
    const axes = util.parseAxisParam(axis, x.shape);
    const [outShape, reduceShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
    const count = size(reduceShape);
    const out = backend.alloc(size(outShape));
    if (!backend.addon.reduceSum(backend.f32(x), x.shape, axes, out, mean ? 1 / count : 1)) {
      backend.discard(out);
      return cpu(args);
    }
    return backend.output(keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape, out);
  };
}

export const reduceKernels: NativeKernel[] = [
  { kernelName: Sum, kernelFunc: reduce(false) },
  { kernelName: Mean, kernelFunc: reduce(true) },
];
