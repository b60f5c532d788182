import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Attempts, Next } from './attempts.js';
import { Decisions } from './decisions.js';
import { LaunchError } from '../errors.js';
import { GREETING_MS, proveToCoordinator } from './launcher-handshake.js';
import { LineChannel, type FailureInfo, type FromCoordinator, type Outcome, type ToCoordinator } from './launcher-messages.js';
import { launchersPort } from './launchers-port.js';
import { prepareAttempt, type LaunchSettings } from '../settings/launch-settings.js';
import { StopLatch } from './stop-latch.js';

const RETRY_MS = 250;

/** The launcher of node k > 0 on several hosts: it does what node 0's launcher decides (see Coordinator). */
export class Follower implements Attempts {
  private readonly decisions = new Decisions();
  private readonly latch = new StopLatch();
  private attempt = 0;
  private over = false;
  private channel!: LineChannel<FromCoordinator, ToCoordinator>;

  private constructor(
    private readonly plan: LaunchSettings,
    private readonly logger: Logger,
    private readonly where: string,
  ) {}

  /** Joins node 0's launcher, retrying until it listens; resolves once joined (the first start may follow). */
  static async join(plan: LaunchSettings, logger: Logger, deadlineMs: number): Promise<Follower> {
    const port = launchersPort(plan);
    const where = `${plan.masterAddr}:${port}`;
    const f = new Follower(plan, logger, where);
    const deadline = Date.now() + deadlineMs;
    let socket: Socket;
    for (;;) {
      try {
        socket = await connected(plan.masterAddr, port);
        break;
      } catch (e) {
        if (Date.now() + RETRY_MS > deadline) {
          throw new LaunchError(`cannot reach node 0's launcher at ${where} within ${deadlineMs / 1000} s (${(e as Error).message}): is rwp-launch --node-rank 0 running there?`);
        }
        await sleep(RETRY_MS);
      }
    }
    let rest: Buffer;
    try {
      rest = await bounded(socket, proveToCoordinator(socket, plan.jobToken));
    } catch (e) {
      socket.destroy();
      throw new LaunchError(`node 0's launcher at ${where}: ${(e as Error).message}`);
    }
    f.channel = new LineChannel<FromCoordinator, ToCoordinator>(socket, rest, (msg) => f.onMessage(msg), (why) => f.onLost(why));
    socket.on('close', () => f.onLost('the connection closed'));
    f.channel.send({ t: 'join', node: plan.nodeRank, nnodes: plan.nnodes, nproc: plan.nproc });
    logger.info(`joined node 0's launcher at ${where}`);
    return f;
  }

  next(): Promise<Next> {
    return this.decisions.next();
  }

  failing(failure: FailureInfo): void {
    this.channel.send({ t: 'failing', attempt: this.attempt, failure });
  }

  ended(outcome: Outcome, failure: FailureInfo | null): void {
    this.channel.send({ t: 'ended', attempt: this.attempt, outcome, failure });
  }

  watch(stop: (reason: string) => void): void {
    this.latch.watch(stop);
  }

  close(): void {
    this.over = true;
    this.channel.close();
  }

  private onMessage(msg: FromCoordinator): void {
    switch (msg.t) {
      case 'start':
        this.attempt = msg.attempt;
        this.latch.reset();
        void prepareAttempt(this.plan, msg.attempt, false).then((attempt) => this.decisions.push({ kind: 'start', attempt }));
        break;
      case 'stop':
        if (msg.attempt === this.attempt) {
          this.logger.warn(`node 0's launcher stops this node's group: ${msg.reason}`);
          this.latch.request(msg.reason);
        }
        break;
      case 'finish':
        this.over = true;
        this.decisions.push({ kind: 'finish' });
        break;
      case 'give-up':
        this.over = true;
        this.decisions.push({ kind: 'give-up', reason: msg.reason === '' ? null : msg.reason, failure: msg.failure });
        break;
      case 'refused':
        this.onLost(`it refused this launcher: ${msg.reason}`);
        break;
    }
  }

  private onLost(why: string): void {
    if (this.over) return;
    this.over = true;
    const reason = `lost node 0's launcher at ${this.where}: ${why}`;
    this.logger.error(reason);
    this.latch.request(reason);
    this.decisions.push({ kind: 'give-up', reason, failure: null });
  }
}

function connected(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => undefined);
      // Nobody listens yet and the kernel picked the port itself as this end's: TCP lets such a
      // connection open to itself, and node 0 could then never listen there. Drop it and retry.
      if (socket.localPort === socket.remotePort && socket.localAddress === socket.remoteAddress) {
        socket.destroy();
        reject(new Error('nobody listens there yet'));
        return;
      }
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** The handshake, or why it did not finish: the peer closed, or said nothing for GREETING_MS. */
function bounded<T>(socket: Socket, handshake: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onClose = (): void => undefined;
  const cut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer to the handshake within ${GREETING_MS / 1000} s: is that port an rwp-launch's?`)), GREETING_MS);
    onClose = () => reject(new Error('it closed the connection during the handshake'));
    socket.once('close', onClose);
  });
  return Promise.race([handshake, cut]).finally(() => {
    clearTimeout(timer);
    socket.off('close', onClose);
  });
}
