import type { Socket } from 'zeromq';
import type { ControlKind } from './control-protocol.js';
import type { Fault } from '../base/fault.js';
import type { Outbox } from './outbox.js';

/** The small-message side of the group, through rank 0. */
export interface ControlPlane {
  /** This rank's part of control op `seq`; resolves with the result rank 0 computes. */
  gather(seq: number, kind: ControlKind, root: number, value: unknown): Promise<unknown>;
  /** The rank op `seq` is waiting for, to name in a timeout. */
  waitingOn(seq: number): number | null;
  /** Spreads a fault found on this rank to the rest of the group. */
  report(fault: Fault): void;
  /** Closes the socket; `flush` first gives queued notices (close release, abort) a moment to leave. */
  close(flush: boolean): Promise<void>;
}

/** The result of a control op once every rank's part is in. */
export function controlResult(kind: ControlKind, root: number, values: unknown[]): unknown {
  if (kind === 'allgather') return values;
  if (kind === 'broadcastValue') return values[root];
  return null;
}

/** How long closing may wait for the last notices to be delivered to live peers. */
const FLUSH_LINGER_MS = 1000;

export async function closeFlushed(socket: Socket, outbox: Outbox, flush: boolean): Promise<void> {
  if (socket.closed) return;
  if (flush) {
    let timer: NodeJS.Timeout | undefined;
    // A Dealer whose peer is gone blocks its send forever, hence the bound.
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, FLUSH_LINGER_MS);
    });
    await Promise.race([outbox.flush().catch(() => undefined), bound]);
    clearTimeout(timer);
  }
  if (socket.closed) return;
  socket.linger = flush ? FLUSH_LINGER_MS : 0;
  socket.close();
}
