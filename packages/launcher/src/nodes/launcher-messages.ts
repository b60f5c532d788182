import type { Socket } from 'node:net';

// What the launchers of a several-host job tell each other, one JSON object per line, once the
// connection has proven the job token. Node 0 decides: it starts each attempt on every node, and
// when any node's group fails it stops them all and, once every group has ended, starts the next
// attempt everywhere or ends the job.

/** A worker's failure, as every node reports and exits with it. */
export interface FailureInfo {
  node: number;
  /** Null when the node's launcher itself was lost. */
  rank: number | null;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** What the launchers exit with. */
  code: number;
  /** In words, for the other nodes' logs. */
  what: string;
}

export type Outcome = 'done' | 'failed' | 'interrupted';

export type ToCoordinator =
  | { t: 'join'; node: number; nnodes: number; nproc: number }
  /** The first worker of this node's group failed; the group is being stopped. */
  | { t: 'failing'; attempt: number; failure: FailureInfo }
  /** Every worker of this node's group has ended. */
  | { t: 'ended'; attempt: number; outcome: Outcome; failure: FailureInfo | null };

export type FromCoordinator =
  | { t: 'start'; attempt: number }
  /** Another node's group failed: stop this node's group. */
  | { t: 'stop'; attempt: number; reason: string }
  | { t: 'finish' }
  | { t: 'give-up'; reason: string; failure: FailureInfo | null }
  | { t: 'refused'; reason: string };

/** JSON lines over a socket that has proven the job token. */
export class LineChannel<In, Out> {
  private partial = '';

  constructor(
    private readonly socket: Socket,
    first: Buffer,
    onMessage: (msg: In) => void,
    onBad: (why: string) => void,
  ) {
    socket.setEncoding('utf8');
    const take = (text: string) => {
      this.partial += text;
      for (let nl = this.partial.indexOf('\n'); nl >= 0; nl = this.partial.indexOf('\n')) {
        const line = this.partial.slice(0, nl);
        this.partial = this.partial.slice(nl + 1);
        try {
          onMessage(JSON.parse(line) as In);
        } catch (e) {
          onBad(`undecodable message: ${(e as Error).message}`);
        }
      }
    };
    socket.on('data', take);
    if (first.length > 0) take(first.toString('utf8'));
  }

  send(msg: Out): void {
    if (!this.socket.destroyed) this.socket.write(`${JSON.stringify(msg)}\n`);
  }

  close(): void {
    this.socket.end();
  }
}
