// Tight loops over float32 data; the ring spends its CPU time here.

/** acc[i] += own[offset + i]: a partial sum picks up this rank's values on its way round the ring. */
export function addOwn(acc: Float32Array, own: Float32Array, offset: number): void {
  const n = acc.length;
  for (let i = 0; i < n; i++) acc[i] += own[offset + i];
}

/**
 * Last addition of a segment: own[offset + i] becomes the float32 sum (divided by `divisor` for a
 * mean). No rank computes these values again; the others receive these bytes.
 */
export function addOwnFinal(acc: Float32Array, own: Float32Array, offset: number, divisor: number): void {
  const n = acc.length;
  if (divisor === 1) {
    for (let i = 0; i < n; i++) own[offset + i] += acc[i];
  } else {
    for (let i = 0; i < n; i++) own[offset + i] = Math.fround(acc[i] + own[offset + i]) / divisor;
  }
}
