/** Seconds as a person reads them: 42 -> "42s", 252 -> "4m12s", 3900 -> "1h05m". */
export function durationText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  return `${Math.floor(s / 3600)}h${pad(Math.floor((s % 3600) / 60))}m`;
}

const pad = (n: number): string => String(n).padStart(2, '0');
