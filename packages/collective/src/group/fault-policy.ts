import type { Fault, Progress } from '../base/fault.js';
import { PeerError } from '../base/peer-error.js';
import { FrameError } from '../transport/frame.js';

/**
 * A peer's connection can drop a moment before the abort notice that explains it is read; waiting
 * this long first lets the notice win, so the error names the rank that really failed.
 */
const SETTLE_MS = 100;
/** How long rank 0 gathers the timeouts of a run's ranks before it names the rank they point at. */
const GATHER_TIMEOUTS_MS = 500;
/** How long a rank that timed out waits for rank 0's verdict before it blames its own peer. */
const VERDICT_MS = 2000;

/** What the fault policy sees of its communicator, and the one thing it does: raise a fault. */
export interface FaultSite {
  readonly rank: number;
  readonly left: number;
  readonly timeoutMs: number;
  /** Whether the ring is linked: before, a timeout fails the rank at once. */
  linked(): boolean;
  /** Whether this rank was welcomed into the group: only members may send abort notices. */
  joined(): boolean;
  /** Whether this rank is done with collectives: a dropped connection is no longer news. */
  leaving(): boolean;
  failed(): boolean;
  progress(): Progress;
  /** The op running now. */
  seq(): number;
  /** The latest op `peer` was seen in, where known. */
  peerSeq(peer: number | null): number | undefined;
  /** Sends a fault to rank 0 (a member) without raising it here. */
  report(fault: Fault): void;
  /** The group can run no more collectives; `report`: tell the others. */
  raise(fault: Fault, report: boolean): void;
}

/**
 * Who is to blame when something goes wrong, and when to decide: timeouts, lost peers, bad frames
 * and the faults the control plane hears of.
 */
export class FaultPolicy {
  /** Rank 0: the timeouts gathered so far, its own and its members'. */
  private readonly timeouts: Fault[] = [];

  constructor(private readonly site: FaultSite) {}

  /** Whether this rank may tell the others about a fault it found itself. */
  private get mayReport(): boolean {
    return this.site.rank === 0 || this.site.joined();
  }

  /** A fault found here (an op's error, a bad frame). */
  fail(e: unknown): void {
    this.site.raise(this.faultFrom(e), this.mayReport);
  }

  /** A fault the control plane heard of: a member's report (rank 0) or rank 0's verdict. */
  heard(f: Fault): void {
    if (f.waiting && this.site.rank === 0) this.gatherTimeout(f);
    else this.site.raise(f, this.site.rank === 0);
  }

  /**
   * A deadline passed. During the rendezvous the rank fails at once. Later, the rank it waits on
   * may be waiting itself (in a ring, every rank behind a stalled one starves), so rank 0 gathers
   * the timeouts for a moment and names the rank they point at (blameOf); the others wait for
   * that verdict, and blame their own peer only if rank 0 does not answer.
   */
  timedOut(): void {
    const { site } = this;
    const p = site.progress().lazy?.() ?? site.progress();
    const detail = `timed out after ${site.timeoutMs} ms waiting for ${p.what}`;
    const fault: Fault = { peer: p.peer, detail, origin: site.rank, waiting: true, seq: site.seq(), peerSeq: site.peerSeq(p.peer) };
    if (!site.linked()) {
      site.raise(fault, this.mayReport);
    } else if (site.rank === 0) {
      this.gatherTimeout(fault);
    } else if (!site.failed()) {
      site.report(fault);
      setTimeout(() => site.raise(fault, false), VERDICT_MS).unref();
    }
  }

  peerLost(peer: number, why: string): void {
    const { site } = this;
    if (site.leaving() || site.failed()) return;
    setTimeout(() => {
      if (site.leaving()) return;
      const detail = `lost connection to rank ${peer}: its process died or stopped responding (${why})`;
      site.raise({ peer, detail, origin: site.rank }, peer !== 0);
    }, SETTLE_MS).unref();
  }

  /** Rank 0: a timeout, its own or a member's; the first starts the gathering. */
  private gatherTimeout(fault: Fault): void {
    if (this.site.failed()) return;
    if (this.timeouts.length === 0) setTimeout(() => this.site.raise(blameOf(this.timeouts), true), GATHER_TIMEOUTS_MS).unref();
    if (!this.timeouts.some((f) => f.origin === fault.origin)) this.timeouts.push(fault);
  }

  private faultFrom(e: unknown): Fault {
    const { rank, left } = this.site;
    if (e instanceof FrameError) return { peer: left, detail: `bad frame from rank ${left}: ${e.message}`, origin: rank };
    if (e instanceof PeerError) return { peer: e.peer, detail: e.message, origin: rank };
    return { peer: null, detail: e instanceof Error ? e.message : String(e), origin: rank };
  }
}

/**
 * The rank a set of timeouts (by the rank that timed out) points at: from the first, follow "a
 * waited on b" while b timed out too. In a ring every rank behind a stalled one starves, and the
 * first to time out need not be its neighbour. Where the waits go round in a circle nobody stands
 * out, and the first timeout is kept as it is. Where the blamed rank's last op is known, the
 * verdict says how many collectives it is behind the ranks that wait for it.
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
  const waits = chain.map((r, i) => (i + 1 < chain.length ? `rank ${r} waited on rank ${chain[i + 1]}` : `rank ${r} on rank ${cur.peer}`));
  const detail = `${cur.detail}${chain.length === 1 ? '' : ` (${waits.join(', ')})`}${behind(timeouts, cur)}`;
  return detail === cur.detail ? cur : { ...cur, detail };
}

/** How far the rank `last` waited on is behind the ranks that timed out, where its last op is known. */
function behind(timeouts: Fault[], last: Fault): string {
  const front = Math.max(...timeouts.map((f) => f.seq ?? -1));
  if (last.peer === null || last.peerSeq === undefined || front < 0) return '';
  const n = front - last.peerSeq;
  if (n <= 0) return `; rank ${last.peer} is in op #${front} like the others but stopped sending`;
  return `; rank ${last.peer} is ${n} collective${n === 1 ? '' : 's'} behind: its last frames were of op #${last.peerSeq}, the others wait in op #${front}`;
}

