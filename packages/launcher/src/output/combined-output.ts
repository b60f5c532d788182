import type { CombinedOutput, TerminalLike } from './api.js';
import { tagLine } from './tag-line.js';
import { createTerminalOutput } from './terminal-output.js';

/**
 * JSON lines (what files and pipes get), or readable lines when `pretty` (see terminal-output.ts);
 * on a terminal, rank 0's progress is also the bottom line.
 */
export async function createCombinedOutput(out: TerminalLike, pretty: boolean): Promise<CombinedOutput> {
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
  if (pretty) return createTerminalOutput(out, write, close);
  return {
    workerLine: (rank, stream, line) => write(JSON.stringify(tagLine(rank, stream, line)) + '\n'),
    launcherLine: write,
    close,
  };
}
