import { closeSync, openSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { pino, type Logger } from 'pino';
import type { CombinedOutput } from './api.js';

/** The launcher's own logger: JSON lines to `file` and, tagged `rank: "launcher"`, to the combined output. */
export interface LauncherLog {
  logger: Logger;
  close(): void;
}

export function createLauncherLog(file: string, output: CombinedOutput): LauncherLog {
  let fd = openSync(file, 'a');
  const destination = {
    write(line: string): void {
      if (fd >= 0) {
        try {
          writeSync(fd, line);
        } catch {
          // A full or vanished disk must not stop the run; the combined output still has the line.
        }
      }
      output.launcherLine(line);
    },
  };
  const logger = pino({ base: { pid: process.pid, hostname: hostname(), rank: 'launcher' } }, destination);
  return {
    logger,
    close() {
      if (fd >= 0) closeSync(fd);
      fd = -1;
    },
  };
}
