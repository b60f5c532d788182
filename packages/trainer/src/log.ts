// Worker logs: pino JSON lines on stdout (rwp-launch tags them by rank and files them per rank);
// readable lines when rwp-train runs alone on a terminal.
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { launchedByRwp } from '@rwp/process-group';

export type { Logger };

/** Whether the logs are readable lines for a person; otherwise JSON for rwp-launch, files and pipes. */
export function readableLogs(): boolean {
  return Boolean(process.stdout.isTTY) && !launchedByRwp();
}

export function createLogger(rank: number): Logger {
  const base = { rank };
  if (readableLogs()) {
    return pino({ base }, pretty({ sync: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' }));
  }
  return pino({ base }, pino.destination({ fd: 1, sync: true }));
}
