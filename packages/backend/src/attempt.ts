/** The outcome of trying one backend: what it runs with, or why it cannot be used here. */
export type Loaded = { ok: true; tfBackend: string; threads: number; detail: string };
export type Failed = { ok: false; what: string; reason: string; hint?: string };
export type Attempt = Loaded | Failed;

export function failed(what: string, reason: string, hint?: string): Failed {
  return hint === undefined ? { ok: false, what, reason } : { ok: false, what, reason, hint };
}

/** "<what> <reason> (<hint>)", the form used in errors and log lines. */
export function explain(a: Failed): string {
  return `${a.what} ${a.reason}${a.hint === undefined ? '' : ` (${a.hint})`}`;
}
