import type { Next } from './attempts.js';

/** Decisions about what this node does next, handed out in the order they were made. */
export class Decisions {
  private readonly made: Next[] = [];
  private waiting: ((n: Next) => void) | null = null;

  push(n: Next): void {
    if (this.waiting !== null) {
      const w = this.waiting;
      this.waiting = null;
      w(n);
    } else {
      this.made.push(n);
    }
  }

  next(): Promise<Next> {
    const n = this.made.shift();
    if (n !== undefined) return Promise.resolve(n);
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }
}
