// Slice, PadV2, Tile and Transpose of float32 tensors as one strided copy each.
import { PadV2, Slice, Tile, Transpose, slice_util } from '@tensorflow/tfjs-core';
import { type NativeKernel, type NativeKernelFunc, allFloat32, size } from './kernel.js';

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  for (let i = shape.length - 1, p = 1; i >= 0; i--) {
    s[i] = p;
    p *= shape[i];
  }
  return s;
}

const slice: NativeKernelFunc = (args, cpu) => {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  const { begin, size: sizes } = attrs as { begin: number | number[]; size: number | number[] };
  if (!allFloat32(x)) return cpu(args);
  const [b, s] = slice_util.parseSliceParams(x, begin, sizes);
  // A contiguous slice is a view of the input in the cpu kernel: no copy at all.
  if (slice_util.isSliceContinous(x.shape, b, s)) return cpu(args);
  slice_util.assertParamsValid(x, b, s);
  const xs = strides(x.shape);
  const offset = b.reduce((acc, v, i) => acc + v * xs[i], 0);
  const out = backend.alloc(size(s));
  backend.addon.copyStrided(backend.f32(x), offset, xs, out, 0, strides(s), s);
  return backend.output(s, out);
};

const pad: NativeKernelFunc = (args, cpu) => {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  const { paddings, constantValue } = attrs as { paddings: [number, number][]; constantValue: number };
  if (!allFloat32(x)) return cpu(args);
  const outShape = paddings.map((p, i) => p[0] + x.shape[i] + p[1]);
  const os = strides(outShape);
  const out = backend.alloc(size(outShape));
  out.fill(constantValue);
  const offset = paddings.reduce((acc, p, i) => acc + p[0] * os[i], 0);
  backend.addon.copyStrided(backend.f32(x), 0, strides(x.shape), out, offset, os, x.shape);
  return backend.output(outShape, out);
};

const tile: NativeKernelFunc = (args, cpu) => {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  const { reps } = attrs as { reps: number[] };
  if (!allFloat32(x) || reps.length !== x.shape.length) return cpu(args);
  // Output axis i as (repeat, position): the repeat advances by a whole copy in the output
  // and not at all in the input.
  const outShape = x.shape.map((d, i) => d * reps[i]);
  const xs = strides(x.shape);
  const os = strides(outShape);
  const shape = x.shape.flatMap((d, i) => [reps[i], d]);
  const src = x.shape.flatMap((_, i) => [0, xs[i]]);
  const dst = x.shape.flatMap((d, i) => [d * os[i], os[i]]);
  const out = backend.alloc(size(outShape));
  backend.addon.copyStrided(backend.f32(x), 0, src, out, 0, dst, shape);
  return backend.output(outShape, out);
};

const transpose: NativeKernelFunc = (args, cpu) => {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  const { perm } = attrs as { perm: number[] };
  if (!allFloat32(x) || perm.length !== x.shape.length) return cpu(args);
  const outShape = perm.map((p) => x.shape[p]);
  const xs = strides(x.shape);
  const out = backend.alloc(size(outShape));
  backend.addon.copyStrided(
    backend.f32(x),
    0,
    perm.map((p) => xs[p]),
    out,
    0,
    strides(outShape),
    outShape,
  );
  return backend.output(outShape, out);
};

export const copyKernels: NativeKernel[] = [
  { kernelName: Slice, kernelFunc: slice },
  { kernelName: PadV2, kernelFunc: pad },
  { kernelName: Tile, kernelFunc: tile },
  { kernelName: Transpose, kernelFunc: transpose },
];

