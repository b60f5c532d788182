// What one training step asks of the GPU: compute dispatches, queue submissions, uploads
// (writeBuffer), readbacks (mapAsync) and buffer-to-buffer copies. Each dispatch costs tens of
// microseconds of API overhead on Vulkan whatever it computes, so their count is what fusing
// kernels or cutting round trips lowers. Counted by wrapping Dawn's prototypes, after
// startWebgpu has put them on globalThis; for benchmarks, never the training path.

export interface GpuCallCounts {
  dispatches: number;
  submits: number;
  writes: number;
  reads: number;
  copies: number;
}

const WRAPPED: [string, string, keyof GpuCallCounts][] = [
  ['GPUComputePassEncoder', 'dispatchWorkgroups', 'dispatches'],
  ['GPUQueue', 'submit', 'submits'],
  ['GPUQueue', 'writeBuffer', 'writes'],
  ['GPUBuffer', 'mapAsync', 'reads'],
  ['GPUCommandEncoder', 'copyBufferToBuffer', 'copies'],
];

/** The calls `run` makes (including the work it leaves queued and flushes before it resolves). */
export async function countGpuCalls(run: () => Promise<void>): Promise<GpuCallCounts> {
  const counts: GpuCallCounts = { dispatches: 0, submits: 0, writes: 0, reads: 0, copies: 0 };
  const globals = globalThis as unknown as Record<string, { prototype: Record<string, (...a: unknown[]) => unknown> }>;
  const restore: (() => void)[] = [];
  for (const [cls, method, key] of WRAPPED) {
    const proto = globals[cls]?.prototype;
    if (!proto) throw new Error(`countGpuCalls: ${cls} is not defined; start WebGPU first`);
    const original = proto[method];
    proto[method] = function (this: unknown, ...args: unknown[]) {
      counts[key]++;
      return original.apply(this, args);
    };
    restore.push(() => (proto[method] = original));
  }
  try {
    await run();
  } finally {
    restore.forEach((r) => r());
  }
  return counts;
}
