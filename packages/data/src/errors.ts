/** A problem with a data file or directory a user pointed at; the message names the path. */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}
