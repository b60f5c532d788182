// A user's mistake or an outside failure (bad config, missing data, dead peer, drifted rank) is
// reported by its message alone; anything else is a bug and keeps its stack.

/** A run cannot go on for a reason the user can act on (named in the message). */
export class RunError extends Error {
  override name = 'RunError';
}

const USER_ERRORS = new Set([
  'ConfigError',
  'DataError',
  'CollectiveError',
  'ProcessGroupEnvError',
  'CheckpointError',
  'DiskWriteError',
  'RunDirLockError',
  'RunError',
  'RangeError',
]);

export function describeError(e: unknown): { message: string; stack?: string } {
  if (e instanceof Error) return USER_ERRORS.has(e.name) ? { message: e.message } : { message: e.message, stack: e.stack };
  return { message: String(e) };
}
