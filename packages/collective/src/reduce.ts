// Tight loops over float32 data; the ring spends its CPU time here.

/** acc[i] += own[offset + i]: a partial sum picks up this rank's values on its way round the ring. */
export function addOwn(acc: Float32Array, own: Float32Array, offset: number): void {
  const n = acc.length;
  for (let i = 0; i < n; i++) acc[i] += own[offset + i];
}

/**
 * Last addition of a segment: the float32 sum (divided by `divisor` for a mean) is stored both in
 * acc, which travels on, and in own, this rank's copy. Both stores round the same double to
 * float32, and no rank computes it again, so every rank ends with the same bits.
 */
export function addOwnFinal(acc: Float32Array, own: Float32Array, offset: number, divisor: number): void {
  const n = acc.length;
  if (divisor === 1) {
    for (let i = 0; i < n; i++) {
      const s = acc[i] + own[offset + i];
      acc[i] = s;
      own[offset + i] = s;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const m = Math.fround(acc[i] + own[offset + i]) / divisor;
      acc[i] = m;
      own[offset + i] = m;
    }
  }
}

/** A float32 view of a received payload; copies only when the bytes are not 4-byte aligned. */
export function asFloat32(payload: Buffer): Float32Array {
  if (payload.byteOffset % 4 === 0) return new Float32Array(payload.buffer, payload.byteOffset, payload.length / 4);
  const copy = new Float32Array(payload.length / 4);
  new Uint8Array(copy.buffer).set(payload);
  return copy;
}
