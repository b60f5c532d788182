import type { Writable } from 'node:stream';

export type StreamName = 'stdout' | 'stderr';

/** The one stream where every worker line and launcher line appears, tagged with its rank. */
export interface CombinedOutput {
  workerLine(rank: number, stream: StreamName, line: string): void;
  /** A JSON line from the launcher's own logger (already carries `rank: "launcher"`). */
  launcherLine(json: string): void;
  /** Stops watching the stream for errors. */
  close(): void;
}

/**
 * A worker's JSON object with `rank` added; any other line wrapped as an info record so the
 * stream stays one JSON object per line.
 */
export function tagLine(rank: number, stream: StreamName, line: string): Record<string, unknown> {
  if (line.startsWith('{')) {
    try {
      const value: unknown = JSON.parse(line);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return { ...value, rank };
    } catch {
      // Not JSON after all: wrapped below like any text line.
    }
  }
  return { level: 30, rank, stream, msg: line };
}

/** JSON lines, or pino-pretty lines prefixed `[rank R]` / `[launcher]` when `pretty`. */
export async function createCombinedOutput(out: Writable & { isTTY?: boolean }, pretty: boolean): Promise<CombinedOutput> {
  let broken = false;
  // A closed reader (`| head`) must not take the launcher down while workers still run.
  const onError = (): void => {
    broken = true;
  };
  out.on('error', onError);
  const write = (s: string): void => {
    if (!broken) out.write(s);
  };
  const close = (): void => {
    out.off('error', onError);
  };
  if (!pretty) {
    return {
      workerLine: (rank, stream, line) => write(JSON.stringify(tagLine(rank, stream, line)) + '\n'),
      launcherLine: write,
      close,
    };
  }
  const { prettyFactory } = (await import('pino-pretty')).default;
  const format = prettyFactory({
    colorize: out.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,rank,stream',
    messageFormat: (log, key) => `[${log.rank === 'launcher' ? 'launcher' : `rank ${String(log.rank)}`}] ${String(log[key] ?? '')}`,
  });
  return {
    workerLine: (rank, stream, line) => write(format({ time: Date.now(), ...tagLine(rank, stream, line) })),
    // The launcher's structured fields repeat its message; a terminal needs the message only.
    launcherLine: (json) => {
      const { level, time, msg } = JSON.parse(json) as Record<string, unknown>;
      write(format({ level, time, rank: 'launcher', msg }));
    },
    close,
  };
}
