import { constants } from 'node:os';

/** The shell convention for a process ended by a signal: 128 + its number. */
export function exitCodeForSignal(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}
