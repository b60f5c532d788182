// The `native` backend: TensorFlow.js's cpu backend (same tensor storage, same kernels) whose
// heavy kernels call the addon. Tensors keep the cpu backend's Float32Arrays, which the addon
// reads and writes in place.
//
// Kernel outputs come from a pool of arrays recycled when their tensors are disposed. A fresh
// large array costs far more than the kernel that fills it: its pages are faulted in one by
// one (11 MB: ~30 ms on this VM against ~1 ms to rewrite a recycled one), and garbage collection
// frees it late. An array may back several tensors (the cpu Slice kernel returns views), so
// each pooled buffer counts the tensors using it; one handed to user code (dataSync, data)
// leaves the pool for good, since the caller may keep it after disposing the tensor.
import type { BackendValues, DataId, DataType, TensorInfo } from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { Addon } from './addon.js';

/** Smaller arrays come from the allocator: cheap to make, not worth tracking. */
const POOL_MIN_LENGTH = 4096;
/**
 * Free arrays kept for reuse, in bytes; beyond this they are left to the garbage collector. A
 * step frees what it allocated, so the pool settles at a step's peak (ResNet-18 at batch 32:
 * 1.2 GiB); the cap only stops shapes that stopped recurring from piling up.
 */
const POOL_MAX_BYTES = 4 * 2 ** 30;

export class NativeBackend extends MathBackendCPU {
  /** Free arrays by length. */
  private readonly free = new Map<number, Float32Array[]>();
  private freeBytes = 0;
  /** Arrays from alloc() and how many tensors hold them (or views of them). */
  private readonly owned = new Map<ArrayBufferLike, { array: Float32Array; users: number }>();

  constructor(readonly addon: Addon) {
    super();
    // The cpu backend's first write advises installing tfjs-node, which does not apply here.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  /** The values of a float32 tensor, in place. */
  f32(t: TensorInfo): Float32Array {
    const values = this.data.get(t.dataId).values;
    if (values instanceof Float32Array) return values;
    // tfjs casts int32 and bool to float32 by relabelling the source's data: read it as floats.
    if (t.dtype === 'float32' && (values instanceof Int32Array || values instanceof Uint8Array)) return Float32Array.from(values);
    throw new TypeError(`native: a ${t.dtype} tensor where float32 was expected`);
  }

  /** An array of n floats for a kernel's output; its contents are undefined. */
  alloc(n: number): Float32Array {
    if (n < POOL_MIN_LENGTH) return new Float32Array(n);
    const array = this.free.get(n)?.pop() ?? new Float32Array(n);
    if (this.free.get(n)?.length === 0) this.free.delete(n);
    if (this.owned.has(array.buffer)) this.freeBytes -= array.byteLength;
    this.owned.set(array.buffer, { array, users: 0 });
    return array;
  }

  /** Returns an array from alloc that no tensor took. */
  discard(array: Float32Array): void {
    const entry = this.owned.get(array.buffer);
    if (entry && entry.users === 0) this.recycle(entry.array);
  }

  /** A new float32 tensor holding `values` (from alloc). */
  output(shape: number[], values: Float32Array): TensorInfo {
    return this.makeTensorInfo(shape, 'float32', values);
  }

  override write(values: BackendValues, shape: number[], dtype: DataType): DataId {
    this.use(values);
    return super.write(values, shape, dtype);
  }

  override move(dataId: DataId, values: BackendValues, shape: number[], dtype: DataType, refCount: number): void {
    this.use(values);
    super.move(dataId, values, shape, dtype, refCount);
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const values = this.data.has(dataId) ? this.data.get(dataId).values : undefined;
    const deleted = super.disposeData(dataId, force);
    if (deleted && values) this.unuse(values);
    return deleted;
  }

  override readSync(dataId: DataId): BackendValues {
    const values = super.readSync(dataId);
    if (ArrayBuffer.isView(values)) this.owned.delete(values.buffer);
    return values;
  }

  override dispose(): void {
    this.free.clear();
    this.owned.clear();
    super.dispose();
  }

  private use(values: BackendValues): void {
    const entry = ArrayBuffer.isView(values) ? this.owned.get(values.buffer) : undefined;
    if (entry) entry.users += 1;
  }

  private unuse(values: BackendValues): void {
    const entry = ArrayBuffer.isView(values) ? this.owned.get(values.buffer) : undefined;
    if (entry && --entry.users === 0) this.recycle(entry.array);
  }

  private recycle(array: Float32Array): void {
    if (this.freeBytes + array.byteLength > POOL_MAX_BYTES) {
      this.owned.delete(array.buffer);
      return;
    }
    const list = this.free.get(array.length);
    if (list) list.push(array);
    else this.free.set(array.length, [array]);
    this.freeBytes += array.byteLength;
  }
}
