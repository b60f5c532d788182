// Which elements travel in which frame of a ring collective. Pure arithmetic shared by every rank,
// so sender and receiver agree on each frame's place without negotiating.

/** First element of segment s when `length` elements are cut into `parts` near-equal segments. */
export function segmentStart(length: number, parts: number, s: number): number {
  return Math.floor((length * s) / parts);
}

export interface Chunk {
  offset: number;
  count: number;
}

/** Cuts [start, end) into chunks of at most chunkElems elements; empty ranges give none. */
export function chunksOf(start: number, end: number, chunkElems: number): Chunk[] {
  const chunks: Chunk[] = [];
  for (let o = start; o < end; o += chunkElems) chunks.push({ offset: o, count: Math.min(chunkElems, end - o) });
  return chunks;
}

export function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

/** The chunks of each segment of a buffer of `length` elements over `worldSize` ranks. */
export function segmentChunks(length: number, worldSize: number, chunkElems: number): Chunk[][] {
  const segs: Chunk[][] = [];
  for (let s = 0; s < worldSize; s++) {
    segs.push(chunksOf(segmentStart(length, worldSize, s), segmentStart(length, worldSize, s + 1), chunkElems));
  }
  return segs;
}

/**
 * Ring allreduce over 2(N-1) steps. Reduce-scatter steps k = 0..N-2: rank r sends segment r-k
 * and receives segment r-k-1, adding its own values. Allgather steps k = N-1..2N-3: rank r
 * receives the final segment r-(k-N+1). What rank r sends at step k+1 is exactly what it
 * received at step k, so each chunk can move on as soon as it arrives.
 */
export function allreduceRecvSegment(rank: number, worldSize: number, step: number): number {
  return step < worldSize - 1 ? mod(rank - step - 1, worldSize) : mod(rank - (step - worldSize + 1), worldSize);
}
