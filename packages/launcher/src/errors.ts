/** A problem the user can fix (a flag, a file, a port): the CLI prints its message without a stack. */
export class LaunchError extends Error {
  override readonly name = 'LaunchError';
}
