import { durationText, type ProgressRecord } from '@rwp/process-group';

/** rwp-train's one-line progress bar with ETA when stderr is a terminal; nothing otherwise. */
export class ProgressBar {
  private readonly enabled = Boolean(process.stderr.isTTY);
  private lastDraw = 0;

  update(p: ProgressRecord): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.lastDraw < 200 && p.step < p.total) return;
    this.lastDraw = now;
    const width = 30;
    const fill = Math.round(Math.min(1, p.step / p.total) * width);
    process.stderr.write(
      `\r[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${p.step}/${p.total} steps epoch ${p.epoch}/${p.epochs} lr ${p.lr.toPrecision(3)} ETA ${durationText(p.eta_s)}  `,
    );
  }

  end(): void {
    if (this.enabled) process.stderr.write('\n');
  }
}
