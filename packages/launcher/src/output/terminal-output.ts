import type { CombinedOutput, TerminalLike } from './api.js';
import { BottomLine } from './bottom-line.js';
import { formatProgressLine } from './progress-line.js';
import { formatSummaryTable } from './summary-table.js';
import { tagLine } from './tag-line.js';
import { progressOf, runEndOf, type RunEnd } from './worker-records.js';

/** Where a terminal does not say its width (a pty without a window size). */
const DEFAULT_COLUMNS = 80;

/**
 * Readable lines: time, level, `[rank R]` or `[launcher]` and the message, which is a sentence;
 * the records' fields stay in the JSON of the log files. On a terminal, rank 0's progress records
 * are its bottom line rather than lines; elsewhere they are lines like any other. The run's last
 * record becomes a table printed when the launcher is done.
 */
export async function createTerminalOutput(out: TerminalLike, write: (s: string) => void, closeStream: () => void): Promise<CombinedOutput> {
  const { prettyFactory } = (await import('pino-pretty')).default;
  const format = prettyFactory({
    colorize: out.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,rank,stream',
    hideObject: true,
    messageFormat: (log, key) => `[${log.rank === 'launcher' ? 'launcher' : `rank ${String(log.rank)}`}] ${String(log[key] ?? '')}`,
  });
  const bottom = out.isTTY === true ? new BottomLine(write) : null;
  const print = (s: string): void => (bottom ? bottom.print(s) : write(s));
  let end: RunEnd | null = null;
  return {
    workerLine: (rank, stream, line) => {
      const record = tagLine(rank, stream, line);
      const progress = progressOf(record);
      if (progress && bottom) {
        bottom.set(formatProgressLine(progress, out.columns || DEFAULT_COLUMNS));
        return;
      }
      end = runEndOf(record) ?? end;
      print(format({ time: Date.now(), ...record }));
    },
    launcherLine: (json) => {
      const { level, time, msg } = JSON.parse(json) as Record<string, unknown>;
      print(format({ level, time, rank: 'launcher', msg }));
    },
    close: () => {
      bottom?.clear();
      if (end) write('\n' + formatSummaryTable(end, process.cwd()));
      closeStream();
    },
  };
}
