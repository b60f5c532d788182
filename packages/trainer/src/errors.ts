// A user's mistake (bad config, missing data, dead peer) is reported by its message alone;
// anything else is a bug and keeps its stack.
const USER_ERRORS = new Set(['ConfigError', 'DataError', 'CollectiveError', 'CheckpointError', 'BackendError', 'RangeError']);

export function describeError(e: unknown): { message: string; stack?: string } {
  if (e instanceof Error) {
    const user = USER_ERRORS.has(e.name) || USER_ERRORS.has(e.constructor.name);
    return user ? { message: e.message } : { message: e.message, stack: e.stack };
  }
  return { message: String(e) };
}
