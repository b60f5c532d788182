// Element-wise kernels on float32 tensors, with broadcasting.
import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BinaryOp, UnaryOp } from '../addon.js';
import { type NativeKernel, type NativeKernelFunc, allFloat32, size } from './kernel.js';

function binary(op: BinaryOp): NativeKernelFunc {
  return (args, cpu) => {
    const { inputs, backend } = args;
    const { a, b } = inputs;
    if (!allFloat32(a, b)) return cpu(args);
    const shape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const out = backend.alloc(size(shape));
    backend.addon.binary(op, backend.f32(a), a.shape, backend.f32(b), b.shape, out, shape);
    return backend.output(shape, out);
  };
}

function unary(op: UnaryOp, alphaAttr?: string): NativeKernelFunc {
  return (args, cpu) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs;
    if (!allFloat32(x)) return cpu(args);
    const alpha = alphaAttr ? Number(attrs?.[alphaAttr] ?? 0) : 0;
    const out = backend.alloc(size(x.shape));
    backend.addon.unary(op, backend.f32(x), out, alpha);
    return backend.output(x.shape, out);
  };
}

const addN: NativeKernelFunc = (args, cpu) => {
  const { inputs, backend } = args;
  const xs = Object.values(inputs) as TensorInfo[];
  if (xs.length === 0 || !allFloat32(...xs)) return cpu(args);
  const out = backend.alloc(size(xs[0].shape));
  backend.addon.addN(
    xs.map((t) => backend.f32(t)),
    out,
  );
  return backend.output(xs[0].shape, out);
};

export const elementwiseKernels: NativeKernel[] = [
  { kernelName: tf.Add, kernelFunc: binary('add') },
  { kernelName: tf.Sub, kernelFunc: binary('sub') },
  { kernelName: tf.Multiply, kernelFunc: binary('mul') },
  { kernelName: tf.RealDiv, kernelFunc: binary('div') },
  { kernelName: tf.SquaredDifference, kernelFunc: binary('squaredDifference') },
  { kernelName: tf.Maximum, kernelFunc: binary('maximum') },
  { kernelName: tf.Minimum, kernelFunc: binary('minimum') },
  { kernelName: tf.Relu, kernelFunc: unary('relu') },
  { kernelName: tf.Relu6, kernelFunc: unary('relu6') },
  { kernelName: tf.LeakyRelu, kernelFunc: unary('leakyRelu', 'alpha') },
  { kernelName: tf.Step, kernelFunc: unary('step', 'alpha') },
  { kernelName: tf.Neg, kernelFunc: unary('neg') },
  { kernelName: tf.Square, kernelFunc: unary('square') },
  { kernelName: tf.Sqrt, kernelFunc: unary('sqrt') },
  { kernelName: tf.Rsqrt, kernelFunc: unary('rsqrt') },
  { kernelName: tf.Exp, kernelFunc: unary('exp') },
  { kernelName: tf.Log, kernelFunc: unary('log') },
  { kernelName: tf.Abs, kernelFunc: unary('abs') },
  { kernelName: tf.Sigmoid, kernelFunc: unary('sigmoid') },
  { kernelName: tf.Tanh, kernelFunc: unary('tanh') },
  { kernelName: tf.AddN, kernelFunc: addN },
];
