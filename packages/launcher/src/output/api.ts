import type { Writable } from 'node:stream';
import type { StreamName } from './tag-line.js';

/** The one stream where every worker line and launcher line appears, tagged with its rank. */
export interface CombinedOutput {
  workerLine(rank: number, stream: StreamName, line: string): void;
  /** A JSON line from the launcher's own logger (already carries `rank: "launcher"`). */
  launcherLine(json: string): void;
  /** Stops watching the stream for errors. */
  close(): void;
}

/** Where the combined output goes: a file, a pipe or a terminal (which says its width). */
export type TerminalLike = Writable & { isTTY?: boolean; columns?: number };
