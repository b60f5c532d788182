import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Fault } from '../base/fault.js';

/** How many of its latest collectives a rank keeps. */
export const FLIGHT_RECORDS = 64;

/** One collective as this rank saw it. */
interface FlightRecord {
  seq: number;
  op: string;
  /** The array's bytes (allreduce, broadcast); null for the small msgpack values of control ops. */
  bytes: number | null;
  /** Date.now() when this rank started it. */
  start: number;
  /** When it completed here; null while pending (or if it never completed). */
  end: number | null;
  /** The ranks it exchanges data with. */
  peers: readonly number[];
}

/** The collective a slot holds, as written to the file; times in ISO 8601. */
export interface FlightEntry {
  seq: number;
  op: string;
  bytes: number | null;
  start: string;
  end: string | null;
  pending: boolean;
  peers: number[];
}

/** The content of RUN_DIR/logs/flight-rank-R.json. */
export interface FlightDump {
  rank: number;
  world_size: number;
  run_id: string;
  /** Why the group failed, as this rank knows it. */
  fault: { peer: number | null; detail: string; detected_by: number };
  written: string;
  /** Oldest first; the last is the op this rank was in, or its last one. */
  records: FlightEntry[];
}

/**
 * A ring buffer of this rank's last collectives, written out when the group fails: what it was
 * doing (which op, which sequence number, how many bytes, since when) is what a hang is debugged
 * with. The slots are allocated once and overwritten, so recording costs no allocation per op.
 */
export class FlightRecorder {
  private readonly slots: FlightRecord[];
  private count = 0;

  constructor(capacity = FLIGHT_RECORDS) {
    this.slots = Array.from({ length: capacity }, () => ({ seq: 0, op: '', bytes: null, start: 0, end: null, peers: [] }));
  }

  /** Records the start of an op; the caller passes the slot to `end` once it completes. */
  begin(seq: number, op: string, bytes: number | null, peers: readonly number[]): FlightRecord {
    const r = this.slots[this.count % this.slots.length];
    this.count++;
    r.seq = seq;
    r.op = op;
    r.bytes = bytes;
    r.start = Date.now();
    r.end = null;
    r.peers = peers;
    return r;
  }

  end(r: FlightRecord): void {
    r.end = Date.now();
  }

  /** The records held, oldest first. */
  entries(): FlightEntry[] {
    const n = Math.min(this.count, this.slots.length);
    const out: FlightEntry[] = [];
    for (let i = this.count - n; i < this.count; i++) {
      const r = this.slots[i % this.slots.length];
      const end = r.end === null ? null : new Date(r.end).toISOString();
      out.push({ seq: r.seq, op: r.op, bytes: r.bytes, start: new Date(r.start).toISOString(), end, pending: end === null, peers: [...r.peers] });
    }
    return out;
  }
}

/** `dir`/flight-rank-R.json; returns its path. */
export function writeFlightRecords(dir: string, who: { rank: number; worldSize: number; runId: string }, fault: Fault, records: FlightEntry[]): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `flight-rank-${who.rank}.json`);
  const dump: FlightDump = {
    rank: who.rank,
    world_size: who.worldSize,
    run_id: who.runId,
    fault: { peer: fault.peer, detail: fault.detail, detected_by: fault.origin },
    written: new Date().toISOString(),
    records,
  };
  writeFileSync(path, `${JSON.stringify(dump, null, 2)}\n`);
  return path;
}
