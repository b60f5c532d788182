import type { Socket } from 'node:net';

/**
 * Writes frames to one ring link in order. A written array is read by the kernel write, possibly
 * after write() returns, so flush() tells when every array handed over may change again.
 */
export class FrameWriter {
  private pending = 0;
  private error: Error | null = null;
  private idle: Array<() => void> = [];

  constructor(private readonly socket: Socket) {}

  /** Queues header and payload; `written` runs once the payload's memory is free again. */
  send(header: Uint8Array, payload: Uint8Array | null, written?: () => void): void {
    this.pending++;
    const done = (err?: Error | null) => {
      if (err) this.error ??= err;
      written?.();
      if (--this.pending === 0) for (const wake of this.idle.splice(0)) wake();
    };
    if (payload === null || payload.length === 0) {
      this.socket.write(header, done);
      return;
    }
    // One writev for both.
    this.socket.cork();
    this.socket.write(header);
    this.socket.write(payload, done);
    this.socket.uncork();
  }

  /** Resolves when everything sent so far has been written; rejects if a write failed. */
  async flush(): Promise<void> {
    if (this.pending > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    if (this.error !== null) throw this.error;
  }
}
