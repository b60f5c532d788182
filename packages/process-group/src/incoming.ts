import type { Socket } from 'node:net';

/**
 * Reads the first bytes of a connection in exact pieces (a handshake, before the connection is
 * trusted or handed to its real reader); nothing is buffered beyond what the peer sent.
 */
export class Incoming {
  private buffered = Buffer.alloc(0);
  private waiting: { bytes: number; resolve: (b: Buffer) => void } | null = null;
  private readonly onData = (chunk: Buffer) => {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    this.deliver();
  };

  constructor(private readonly socket: Socket) {
    socket.on('data', this.onData);
  }

  /** The next `bytes` bytes; never resolves if the connection ends first (the caller's timer ends it). */
  read(bytes: number): Promise<Buffer> {
    return new Promise((resolve) => {
      this.waiting = { bytes, resolve };
      this.deliver();
    });
  }

  /** Stops reading; returns the bytes that had arrived beyond those read. */
  detach(): Buffer {
    this.socket.off('data', this.onData);
    return this.buffered;
  }

  private deliver(): void {
    const w = this.waiting;
    if (w === null || this.buffered.length < w.bytes) return;
    this.waiting = null;
    const piece = this.buffered.subarray(0, w.bytes);
    this.buffered = this.buffered.subarray(w.bytes);
    w.resolve(piece);
  }
}
