/**
 * Reused chunk buffers for partial sums in flight. Fresh memory is expensive to touch (page faults
 * cost tens of microseconds each in a VM), so the same buffers serve every op. The pool grows
 * when all are busy rather than making a link wait: a ring of waiting links could deadlock.
 */
export class ScratchPool {
  private readonly free: Float32Array[] = [];

  constructor(private readonly chunkElems: number) {}

  /** A buffer of `count` <= chunkElems elements, at byte offset 0 of its own memory. */
  acquire(count: number): Float32Array {
    const buf = this.free.pop() ?? new Float32Array(this.chunkElems);
    return count === this.chunkElems ? buf : buf.subarray(0, count);
  }

  release(view: Float32Array): void {
    this.free.push(view.length === this.chunkElems ? view : new Float32Array(view.buffer, 0, this.chunkElems));
  }
}
