import { durationText } from '@rwp/process-group';
import type { ProgressRecord } from '@rwp/process-group';

const BAR_WIDTH = 20;

/**
 * Rank 0's progress as one terminal line shorter than `columns` (a line that fills the width
 * wraps on some terminals, and then the next redraw erases only its second half). What does not
 * fit goes: the bar first, then images per second, then the learning rate.
 */
export function formatProgressLine(p: ProgressRecord, columns: number): string {
  const done = p.total > 0 ? Math.min(1, p.step / p.total) : 0;
  const fill = Math.round(done * BAR_WIDTH);
  const parts: Array<{ text: string; drop?: number } | null> = [
    { text: `step ${p.step}/${p.total} (${Math.floor(done * 100)}%)` },
    { text: `[${'#'.repeat(fill)}${'.'.repeat(BAR_WIDTH - fill)}]`, drop: 1 },
    { text: `epoch ${p.epoch}/${p.epochs}` },
    p.loss === null ? null : { text: `loss ${p.loss.toFixed(4)}` },
    { text: `lr ${p.lr.toPrecision(3)}`, drop: 3 },
    p.images_per_s === null ? null : { text: `${Math.round(p.images_per_s)} img/s`, drop: 2 },
    { text: `ETA ${p.eta_s === null ? 'measuring' : durationText(p.eta_s)}` },
  ];
  const width = Math.max(1, columns - 1);
  let kept = parts.filter((x) => x !== null);
  for (let round = 1; round <= 3; round++) {
    if (kept.map((x) => x.text).join('  ').length <= width) break;
    kept = kept.filter((x) => x.drop !== round);
  }
  return kept.map((x) => x.text).join('  ').slice(0, width);
}
