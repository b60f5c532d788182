/** A one-line progress bar with ETA on a terminal; nothing otherwise. */
export class ProgressBar {
  private readonly enabled: boolean;
  private readonly start = performance.now();
  private lastDraw = 0;

  constructor(private readonly total: number, private readonly doneAtStart: number) {
    this.enabled = Boolean(process.stderr.isTTY);
  }

  update(done: number, label: string): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.lastDraw < 200 && done < this.total) return;
    this.lastDraw = now;
    const frac = Math.min(1, done / this.total);
    const width = 30;
    const fill = Math.round(frac * width);
    const rate = (done - this.doneAtStart) / ((now - this.start) / 1000);
    const eta = rate > 0 ? (this.total - done) / rate : NaN;
    const etaText = Number.isFinite(eta) ? `${Math.floor(eta / 60)}m${String(Math.round(eta % 60)).padStart(2, '0')}s` : '?';
    process.stderr.write(`\r[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${this.total} steps ${label} ETA ${etaText}  `);
  }

  end(): void {
    if (this.enabled) process.stderr.write('\n');
  }
}
