/** A stop request for the current attempt, held until the attempt's group is there to stop. */
export class StopLatch {
  private reason: string | null = null;
  private stop: ((reason: string) => void) | null = null;

  /** A new attempt: forgets the last one's request and watcher. */
  reset(): void {
    this.reason = null;
    this.stop = null;
  }

  request(reason: string): void {
    if (this.reason !== null) return;
    this.reason = reason;
    this.stop?.(reason);
  }

  watch(stop: (reason: string) => void): void {
    this.stop = stop;
    if (this.reason !== null) stop(this.reason);
  }
}
