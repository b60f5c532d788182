import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { afterAttempt, type Attempts, type Next } from './attempts.js';
import { Decisions } from './decisions.js';
import { LaunchError } from '../errors.js';
import { checkFollower, GREETING_MS } from './launcher-handshake.js';
import { LineChannel, type FailureInfo, type FromCoordinator, type Outcome, type ToCoordinator } from './launcher-messages.js';
import { launchersPort } from './launchers-port.js';
import { prepareAttempt, type Attempt, type LaunchSettings } from '../settings/launch-settings.js';
import { StopLatch } from './stop-latch.js';

interface Node {
  channel: LineChannel<ToCoordinator, FromCoordinator>;
  from: string;
}

/**
 * Node 0's launcher on several hosts: it waits until every node's launcher has joined (each proves
 * the job token), starts each attempt on all nodes at once, stops every node's group as soon as
 * one fails, and once all groups have ended starts the next attempt everywhere (if restarts are
 * left) or ends the job on every node. A node whose launcher disconnects ends the job.
 */
export class Coordinator implements Attempts {
  private readonly nodes = new Map<number, Node>();
  private readonly decisions = new Decisions();
  private readonly latch = new StopLatch();
  private attempt = 0;
  private results = new Map<number, { outcome: Outcome; failure: FailureInfo | null }>();
  private firstFailure: FailureInfo | null = null;
  private stopping = false;
  private lost = false;
  private over = false;
  private allJoined!: () => void;
  private readonly joined = new Promise<void>((resolve) => {
    this.allJoined = resolve;
  });

  private constructor(
    private readonly plan: LaunchSettings,
    private readonly logger: Logger,
    private readonly server: Server,
  ) {}

  /** Listens on the launchers' port and resolves once every node has joined and attempt 0 has started everywhere. */
  static async open(plan: LaunchSettings, first: Attempt, logger: Logger, deadlineMs: number): Promise<Coordinator> {
    const port = launchersPort(plan);
    const server = createServer();
    const c = new Coordinator(plan, logger, server);
    server.on('connection', (socket) => c.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(new LaunchError(e.code === 'EADDRINUSE' ? `the launchers' port ${port} (--master-port + 1) is already in use on this host; choose another --master-port` : `cannot listen on the launchers' port ${port}: ${e.message}`)),
      );
      server.listen({ port, host: plan.masterAddr === '127.0.0.1' || plan.masterAddr === 'localhost' ? '127.0.0.1' : undefined }, resolve);
    });
    logger.info(`waiting for the launchers of nodes 1 to ${plan.nnodes - 1} on port ${port}`);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const missing = Array.from({ length: plan.nnodes - 1 }, (_, i) => i + 1).filter((n) => !c.nodes.has(n));
        reject(new LaunchError(`node(s) ${missing.join(', ')} did not join within ${deadlineMs / 1000} s: is rwp-launch running there, with --master-addr ${plan.masterAddr} and --master-port ${plan.masterPort}, and can it reach port ${port}?`));
      }, deadlineMs);
    });
    try {
      await Promise.race([c.joined, late]);
    } catch (e) {
      c.close();
      throw e;
    } finally {
      clearTimeout(timer);
    }
    c.start(first);
    return c;
  }

  next(): Promise<Next> {
    return this.decisions.next();
  }

  failing(failure: FailureInfo): void {
    this.onFailing(failure);
  }

  ended(outcome: Outcome, failure: FailureInfo | null): void {
    this.onEnded(0, outcome, failure);
  }

  watch(stop: (reason: string) => void): void {
    this.latch.watch(stop);
  }

  close(): void {
    this.over = true;
    this.server.close();
    for (const n of this.nodes.values()) n.channel.close();
  }

  private accept(socket: Socket): void {
    const from = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.on('error', () => undefined);
    const refuse = (why: string) => {
      this.logger.warn(`the launchers' port refused a connection from ${from}: ${why}`);
      socket.destroy();
    };
    const timer = setTimeout(() => refuse(`it did not prove the job token and join within ${GREETING_MS / 1000} s`), GREETING_MS);
    void checkFollower(socket, this.plan.jobToken).then((r) => {
      if (socket.destroyed) return;
      if ('refused' in r) {
        clearTimeout(timer);
        refuse(r.refused);
        return;
      }
      let node: number | null = null;
      const channel = new LineChannel<ToCoordinator, FromCoordinator>(
        socket,
        r.rest,
        (msg) => {
          if (msg.t === 'join') {
            clearTimeout(timer);
            node = this.join(msg, channel, from);
          } else if (node !== null) {
            this.onMessage(node, msg);
          }
        },
        (why) => refuse(why),
      );
      socket.on('close', () => {
        if (node !== null && this.nodes.get(node)?.channel === channel) this.onLost(node);
      });
    });
  }

  /** The node a joining launcher is, or null when it is refused. */
  private join(msg: Extract<ToCoordinator, { t: 'join' }>, channel: LineChannel<ToCoordinator, FromCoordinator>, from: string): number | null {
    const { nnodes, nproc } = this.plan;
    let why: string | null = null;
    if (msg.nnodes !== nnodes || msg.nproc !== nproc) why = `it runs --nnodes ${msg.nnodes} --nproc ${msg.nproc}, node 0 --nnodes ${nnodes} --nproc ${nproc}`;
    else if (!Number.isInteger(msg.node) || msg.node < 1 || msg.node >= nnodes) why = `--node-rank ${msg.node} is not one of 1 to ${nnodes - 1}`;
    else if (this.nodes.has(msg.node)) why = `node ${msg.node} has already joined from ${this.nodes.get(msg.node)!.from}`;
    if (why !== null) {
      this.logger.warn(`refused the launcher at ${from}: ${why}`);
      channel.send({ t: 'refused', reason: why });
      channel.close();
      return null;
    }
    this.nodes.set(msg.node, { channel, from });
    this.logger.info(`the launcher of node ${msg.node} joined from ${from}`);
    if (this.nodes.size === nnodes - 1) this.allJoined();
    return msg.node;
  }

  private onMessage(node: number, msg: ToCoordinator): void {
    if (msg.t === 'join' || msg.attempt !== this.attempt) return;
    if (msg.t === 'failing') this.onFailing(msg.failure);
    else this.onEnded(node, msg.outcome, msg.failure);
  }

  private start(attempt: Attempt): void {
    this.attempt = attempt.restartCount;
    this.results = new Map();
    this.firstFailure = null;
    this.stopping = false;
    this.latch.reset();
    this.sendAll({ t: 'start', attempt: attempt.restartCount });
    this.decisions.push({ kind: 'start', attempt });
  }

  private onFailing(failure: FailureInfo): void {
    this.firstFailure ??= failure;
    this.stopAll(`rank ${failure.rank} on node ${failure.node} ${failure.what}`, failure.node);
  }

  /** Stops every node's group but `except`'s, which is stopping already. */
  private stopAll(reason: string, except: number): void {
    if (this.stopping) return;
    this.stopping = true;
    this.logger.warn(`stopping the group on every node: ${reason}`);
    for (const [n, node] of this.nodes) if (n !== except) node.channel.send({ t: 'stop', attempt: this.attempt, reason });
    if (except !== 0) this.latch.request(reason);
  }

  private onEnded(node: number, outcome: Outcome, failure: FailureInfo | null): void {
    if (this.over || this.results.has(node)) return;
    this.results.set(node, { outcome, failure });
    if (failure !== null) this.firstFailure ??= failure;
    if (outcome !== 'done') this.stopAll(outcome === 'interrupted' ? `node ${node}'s launcher was interrupted` : `node ${node}'s group failed`, node);
    if (this.results.size === this.plan.nnodes) void this.decide();
  }

  private onLost(node: number): void {
    if (this.over) return;
    this.logger.error(`lost the launcher of node ${node}`);
    this.lost = true;
    this.nodes.delete(node);
    this.onEnded(node, 'failed', { node, rank: null, exitCode: null, signal: null, code: 1, what: `the launcher of node ${node} disconnected` });
  }

  private async decide(): Promise<void> {
    const outcomes = [...this.results.values()].map((r) => r.outcome);
    const outcome: Outcome = outcomes.includes('interrupted') ? 'interrupted' : outcomes.includes('failed') ? 'failed' : 'done';
    const verdict = this.lost ? { reason: 'a node was lost; every node must be there to restart' } : afterAttempt(this.plan, this.attempt, outcome, this.firstFailure);
    if (verdict === 'finish') return this.end({ t: 'finish' }, { kind: 'finish' });
    if (verdict !== 'restart') return this.end({ t: 'give-up', reason: verdict.reason ?? '', failure: this.firstFailure }, { kind: 'give-up', reason: verdict.reason, failure: this.firstFailure });
    try {
      this.start(await prepareAttempt(this.plan, this.attempt + 1, true));
    } catch (e) {
      if (!(e instanceof LaunchError)) throw e;
      const reason = `cannot restart: ${e.message}`;
      this.end({ t: 'give-up', reason, failure: this.firstFailure }, { kind: 'give-up', reason, failure: this.firstFailure });
    }
  }

  private end(msg: FromCoordinator, own: Next): void {
    this.over = true;
    this.sendAll(msg);
    this.decisions.push(own);
  }

  private sendAll(msg: FromCoordinator): void {
    for (const n of this.nodes.values()) n.channel.send(msg);
  }
}
