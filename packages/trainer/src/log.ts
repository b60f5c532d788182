// Worker logs: pino JSON lines on stdout (rwp-launch tags them by rank and files them per rank);
// readable lines when rwp-train runs alone on a terminal.
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export function createLogger(rank: number): Logger {
  const base = { rank };
  if (process.stdout.isTTY && process.env.RWP_LAUNCHED !== '1') {
    return pino({ base }, pretty({ sync: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' }));
  }
  return pino({ base }, pino.destination({ fd: 1, sync: true }));
}
