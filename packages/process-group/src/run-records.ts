// What rank 0's rwp-train logs for rwp-launch to show a person (its bottom line and the table at
// the end): the two sides of that contract read these types, and neither imports the other.

/** The `progress` field of a log record. */
export interface ProgressRecord {
  step: number;
  total: number;
  /** Data pass, 1-based, of `epochs`. */
  epoch: number;
  epochs: number;
  /** Mean training loss of this pass so far on rank 0; null before its first clean step. */
  loss: number | null;
  lr: number;
  /** Images per second over every rank, and the seconds left; null until steps after the first few are timed. */
  images_per_s: number | null;
  eta_s: number | null;
}

/** Milliseconds per step over a run; compute is what the step spent outside communication and data. */
export interface StepSplit {
  step_ms: number;
  compute_ms: number;
  comm_ms: number;
  data_ms: number;
}

/** Seconds as a person reads them: 42 -> "42s", 252 -> "4m12s", 3900 -> "1h05m"; "?" for no estimate. */
export function durationText(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  return `${Math.floor(s / 3600)}h${pad(Math.floor((s % 3600) / 60))}m`;
}

const pad = (n: number): string => String(n).padStart(2, '0');
