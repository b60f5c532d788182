import type { MessageLike, Writable } from 'zeromq';

/**
 * Sends messages in order with one send in flight (zeromq.js allows no more), so callers can hand
 * over a message and go on computing the next one.
 */
export class Outbox {
  private readonly queue: MessageLike[][] = [];
  private draining: Promise<void> | null = null;
  private error: unknown = null;

  constructor(private readonly socket: Writable) {}

  push(parts: MessageLike[]): void {
    this.queue.push(parts);
    this.draining ??= this.drain();
  }

  /** Resolves once every message so far is handed to ZeroMQ; rejects if a send failed. */
  async flush(): Promise<void> {
    while (this.draining !== null) await this.draining;
    if (this.error !== null) throw this.error;
  }

  private async drain(): Promise<void> {
    try {
      for (let m = this.queue.shift(); m !== undefined; m = this.queue.shift()) await this.socket.send(m);
    } catch (e) {
      this.error ??= e;
      this.queue.length = 0;
    } finally {
      this.draining = null;
    }
  }
}
