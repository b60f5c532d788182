import type { Readable } from 'zeromq';

/**
 * Messages read from a socket by a loop that always runs, so the socket's I/O thread never stalls
 * on a full pipe and a consumer can stop waiting (on failure) without a receive left pending.
 */
export class Inbox {
  private readonly items: Buffer[][] = [];
  private waiter: { resolve: (m: Buffer[]) => void; reject: (e: Error) => void } | null = null;
  private error: Error | null = null;

  /** Reads `socket` until it is closed; a read error ends the inbox with that error. */
  pump(socket: Readable): void {
    const loop = async (): Promise<void> => {
      for (;;) this.push(await socket.receive());
    };
    loop().catch((e: unknown) => this.fail(e instanceof Error ? e : new Error(String(e))));
  }

  push(message: Buffer[]): void {
    const w = this.waiter;
    if (w !== null) {
      this.waiter = null;
      w.resolve(message);
    } else {
      this.items.push(message);
    }
  }

  /** Ends the inbox: a pending and every later next() rejects with `error`. */
  fail(error: Error): void {
    if (this.error !== null) return;
    this.error = error;
    const w = this.waiter;
    this.waiter = null;
    w?.reject(error);
  }

  next(): Promise<Buffer[]> {
    const m = this.items.shift();
    if (m !== undefined) return Promise.resolve(m);
    if (this.error !== null) return Promise.reject(this.error);
    if (this.waiter !== null) return Promise.reject(new Error('Inbox.next() called twice without waiting'));
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }
}
