/** A failure that a particular rank is to blame for (null when none is known). */
export class PeerError extends Error {
  constructor(readonly peer: number | null, message: string) {
    super(message);
    this.name = 'PeerError';
  }
}
