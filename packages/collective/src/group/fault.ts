/** Why the group can no longer run collectives. Once a rank has one, every later op fails with it. */
export interface Fault {
  /** The rank blamed, when known. */
  peer: number | null;
  detail: string;
  /** The rank that found the problem. */
  origin: number;
  /** A deadline passed while waiting on `peer`, which may itself be waiting on another rank. */
  waiting?: boolean;
}

/**
 * The rank a set of timeouts (by the rank that timed out) points at: from the first, follow "a
 * waited on b" while b timed out too. In a ring every rank behind a stalled one starves, and the
 * first to time out need not be its neighbour. Where the waits go round in a circle nobody stands
 * out, and the first timeout is kept as it is.
 */
export function blameOf(timeouts: Fault[]): Fault {
  const byOrigin = new Map(timeouts.map((f) => [f.origin, f]));
  let cur = timeouts[0];
  const chain = [cur.origin];
  while (cur.peer !== null && byOrigin.has(cur.peer)) {
    if (chain.includes(cur.peer)) return timeouts[0];
    chain.push(cur.peer);
    cur = byOrigin.get(cur.peer)!;
  }
  if (chain.length === 1) return cur;
  const waits = chain.map((r, i) => (i + 1 < chain.length ? `rank ${r} waited on rank ${chain[i + 1]}` : `rank ${r} on rank ${cur.peer}`));
  return { ...cur, detail: `${cur.detail} (${waits.join(', ')})` };
}

/** What an op is waiting for right now, for the message when its deadline passes. */
export interface Progress {
  peer: number | null;
  what: string;
  /** Computes peer and what at timeout time instead, where they change too often to keep up to date. */
  lazy?: () => { peer: number | null; what: string };
}
