import { unlinkSync } from 'node:fs';
import { connect as netConnect, createServer, type Server, type Socket } from 'node:net';
import { formatPortRange, Incoming, NONCE_BYTES, newNonce, PROOF_BYTES, proofMatches, proofOf, type PortRange } from '@rwp/process-group';
import { checkHeader, decodeHeader, encodeHeader, FrameKind, HEADER_BYTES, type FrameError, type FrameHeader } from './frame.js';
import { FrameReader } from './frame-reader.js';
import { FrameWriter } from './frame-writer.js';
import { PeerError } from '../base/peer-error.js';
import { authFrame, authHeader, peerOf, RING_CONTEXT } from './link-auth.js';
import { linkHeader, type LinkIdentity } from './link-identity.js';

/** How long an accepted connection may take to complete its set-up before it is turned away. */
const GREETING_MS = 10_000;

/**
 * The two links of this rank in the ring. Data flows from a listener to the rank that connected:
 * this rank listens (ipc: a unix socket in the run's directory; tcp: the reachable address) and
 * its right neighbour connects to receive from it, while it connects to its left neighbour to
 * receive from that one. The receiving side reads with a FrameReader; only a connection whose
 * first frame is the expected rank's link frame of this run is written to. With a job token, both
 * sides first prove it (link-auth.ts).
 */
export class RingLinks {
  readonly reader: FrameReader;
  private writerSocket: Socket | null = null;
  private inSocket: Socket | null = null;
  private readonly servers: Server[] = [];
  private readonly accepted = new Set<Socket>();
  private readonly rightLinked: Promise<FrameWriter>;
  private resolveRight!: (w: FrameWriter) => void;
  private closed = false;

  constructor(
    private readonly id: LinkIdentity,
    /** The job token both ends of a link must prove; null: none. */
    private readonly token: string | null,
    /** A link's connection ended: that neighbour is gone. */
    private readonly onLost: (peer: number, why: string) => void,
    /** A connection that is not our right neighbour of this run was turned away. */
    private readonly onStranger: (why: string) => void,
    /** The left neighbour sent a frame that is not the one expected. */
    onBadFrame: (e: FrameError) => void,
  ) {
    this.reader = new FrameReader(id.runId, onBadFrame);
    this.rightLinked = new Promise((resolve) => {
      this.resolveRight = resolve;
    });
  }

  /**
   * Listens on a unix socket path (when given) and a TCP host, on a port of `ports` when given (else
   * one the kernel picks); returns their ipc:// and tcp:// URLs.
   */
  async listen(ipcPath: string | null, tcpHost: string, ports: PortRange | null): Promise<{ ipc: string | null; tcp: string }> {
    let ipc: string | null = null;
    if (ipcPath !== null) {
      // A socket file left by a killed process of the same run id and rank would block the path.
      try {
        unlinkSync(ipcPath);
      } catch {
        // Nothing there.
      }
      await this.serve({ path: ipcPath }).catch((e: Error) => {
        throw new Error(`cannot listen on ipc://${ipcPath}: ${e.message}`);
      });
      ipc = `ipc://${ipcPath}`;
    }
    const port = await this.serveTcp(tcpHost, ports);
    return { ipc, tcp: `tcp://${tcpHost.includes(':') ? `[${tcpHost}]` : tcpHost}:${port}` };
  }

  /**
   * Connects to the left neighbour at the first of `urls` (ipc:// or tcp://) that accepts, and
   * introduces this rank (after the job-token challenge-response, when there is a token);
   * resolves once the left neighbour's link frame has come back.
   */
  connectLeft(urls: string[]): Promise<Uint8Array> {
    const { left } = this.id;
    const nonce = this.token === null ? null : newNonce();
    const listener =
      nonce === null
        ? null
        : Promise.all([
            this.reader.expect(authHeader(this.id, FrameKind.Challenge, left), () => new Uint8Array(NONCE_BYTES)),
            this.reader.expect(authHeader(this.id, FrameKind.Proof, left), () => new Uint8Array(PROOF_BYTES)),
          ]);
    const linked = this.reader.expect(linkHeader(this.id, left), () => new Uint8Array(0));
    let url = urls[0];
    const attempt = (i: number) => {
      url = urls[i];
      const target = parseUrl(url);
      const socket = 'path' in target ? netConnect({ path: target.path, onread: this.reader.onread }) : netConnect({ ...target, onread: this.reader.onread });
      this.inSocket = socket;
      this.reader.resume = () => socket.resume();
      if ('host' in target) socket.setNoDelay(true);
      let connected = false;
      let failure = '';
      socket.on('connect', () => {
        connected = true;
      });
      socket.on('error', (e) => {
        failure = `: ${e.message}`;
      });
      socket.on('close', () => {
        // A socket file this host cannot see (another mount namespace, say): fall back to TCP.
        if (!connected && i + 1 < urls.length && !this.closed) attempt(i + 1);
        else this.lost(left, `the link from rank ${left} at ${url} closed${failure}`);
      });
      socket.write(nonce === null ? encodeHeader(linkHeader(this.id, this.id.rank)) : authFrame(this.id, FrameKind.Challenge, nonce));
    };
    attempt(0);
    if (listener === null || nonce === null || this.token === null) return linked;
    // Awaited below only when the listener proves the token; a teardown may reject it before.
    linked.catch(() => undefined);
    const token = this.token;
    return listener.then(([theirNonce, theirProof]) => {
      // Ours goes out even when theirs is wrong: the listener then logs the refusal too.
      this.inSocket!.write(Buffer.concat([authFrame(this.id, FrameKind.Proof, proofOf(token, RING_CONTEXT, 'initiator', theirNonce, nonce)), encodeHeader(linkHeader(this.id, this.id.rank))]));
      if (!proofMatches(proofOf(token, RING_CONTEXT, 'responder', nonce, theirNonce), theirProof)) {
        throw new PeerError(left, `the ring listener at ${url} does not hold this job token (RWP_JOB_TOKEN differs), so it is not rank ${left} of this job`);
      }
      return linked;
    });
  }

  /** Resolves with the writer to the right neighbour once it has connected and introduced itself. */
  waitRight(): Promise<FrameWriter> {
    return this.rightLinked;
  }

  /** Closes every socket and server; the process does not wait for them at exit. */
  close(): void {
    this.closed = true;
    this.inSocket?.destroy();
    for (const s of this.accepted) s.destroy();
    for (const s of this.servers) s.close();
  }

  private lost(peer: number, why: string): void {
    if (!this.closed) this.onLost(peer, why);
  }

  /**
   * The ranks of a host share the range: each starts at its own offset (rank mod the range's size)
   * and takes the next free port, so they rarely collide and never fail while one is free.
   */
  private async serveTcp(host: string, ports: PortRange | null): Promise<number> {
    const shown = (port: number) => `tcp://${host}:${port}`;
    if (ports === null) {
      const server = await this.serve({ host, port: 0 }).catch((e: Error) => {
        throw new Error(`cannot listen on ${shown(0)}: ${e.message}`);
      });
      return (server.address() as { port: number }).port;
    }
    const span = ports.last - ports.first + 1;
    for (let i = 0; i < span; i++) {
      const port = ports.first + ((this.id.rank + i) % span);
      try {
        await this.serve({ host, port });
        return port;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw new Error(`cannot listen on ${shown(port)}: ${(e as Error).message}`);
      }
    }
    throw new Error(`rank ${this.id.rank} found no free port for its ring input on ${host} in the data ports ${formatPortRange(ports)} (all ${span} are taken)`);
  }

  private serve(options: { path: string } | { host: string; port: number }): Promise<Server> {
    const server = createServer((socket) => this.accept(socket));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(options, () => {
        server.off('error', reject);
        this.servers.push(server);
        resolve(server);
      });
    });
  }

  /**
   * A connection to this rank's listener: it gets the link to the right neighbour once it has
   * proven the job token and introduced itself as that rank of this run. Connections that do not
   * are turned away, each with a line naming its address and why; so are late ones, once the
   * link is taken.
   */
  private accept(socket: Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.accepted.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    socket.on('close', () => this.accepted.delete(socket));
    const from = peerOf(socket);
    const incoming = new Incoming(socket);
    const turnAway = (why: string) => {
      incoming.detach();
      this.onStranger(`turned away a connection from ${from}: ${why}`);
      this.accepted.delete(socket);
      socket.destroy();
    };
    const timer = setTimeout(() => turnAway(`it did not complete the link set-up within ${GREETING_MS / 1000} s`), GREETING_MS);
    void this.greet(socket, incoming).then((why) => {
      clearTimeout(timer);
      if (socket.destroyed) return;
      if (why === null && incoming.detach().length > 0) why = 'it sent data after its link frame, before this rank answered';
      if (why === null && this.writerSocket !== null) why = `the link to rank ${this.id.right} is already taken`;
      if (why !== null || this.closed) turnAway(why ?? 'this rank is closing');
      else this.adoptRight(socket);
    });
  }

  /** Runs a connection's set-up: the challenge-response when there is a token, then its link frame. Null when all is right, else why not. */
  private async greet(socket: Socket, incoming: Incoming): Promise<string | null> {
    const right = this.id.right;
    const first = await incoming.read(HEADER_BYTES);
    const kind = decodeHeader(first)?.kind;
    if (this.token === null) {
      if (kind === FrameKind.Challenge) return 'it proves a job token but this rank has none (RWP_JOB_TOKEN is unset here)';
      return this.checkFrame(first, linkHeader(this.id, right));
    }
    if (kind === FrameKind.Link) return 'it sent no job-token challenge (is RWP_JOB_TOKEN unset there?)';
    const bad = this.checkFrame(first, authHeader(this.id, FrameKind.Challenge, right));
    if (bad !== null) return bad;
    const theirNonce = await incoming.read(NONCE_BYTES);
    const nonce = newNonce();
    socket.write(Buffer.concat([authFrame(this.id, FrameKind.Challenge, nonce), authFrame(this.id, FrameKind.Proof, proofOf(this.token, RING_CONTEXT, 'responder', theirNonce, nonce))]));
    const proofHead = this.checkFrame(await incoming.read(HEADER_BYTES), authHeader(this.id, FrameKind.Proof, right));
    if (proofHead !== null) return proofHead;
    if (!proofMatches(proofOf(this.token, RING_CONTEXT, 'initiator', nonce, theirNonce), await incoming.read(PROOF_BYTES))) {
      return 'it does not hold the job token (RWP_JOB_TOKEN differs)';
    }
    return this.checkFrame(await incoming.read(HEADER_BYTES), linkHeader(this.id, right));
  }

  private checkFrame(head: Buffer, want: FrameHeader): string | null {
    try {
      checkHeader(head, want, this.id.runId);
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  }

  private adoptRight(socket: Socket): void {
    this.writerSocket = socket;
    const right = this.id.right;
    // The right neighbour never sends after its link frame; anything more is a protocol error.
    socket.on('data', () => {
      this.lost(right, `rank ${right} sent data on a link that only carries data to it`);
      socket.destroy();
    });
    socket.on('close', () => this.lost(right, `the link to rank ${right} closed`));
    const writer = new FrameWriter(socket);
    writer.send(encodeHeader(linkHeader(this.id, this.id.rank)), null);
    this.resolveRight(writer);
  }
}

/** net.connect options for an ipc:///path or tcp://host:port URL. */
export function parseUrl(url: string): { path: string } | { host: string; port: number } {
  if (url.startsWith('ipc://')) return { path: url.slice('ipc://'.length) };
  const m = /^tcp:\/\/(?:\[([^\]]+)\]|([^:]+)):([0-9]+)$/.exec(url);
  if (!m) throw new PeerError(null, `unusable ring address "${url}"`);
  return { host: m[1] ?? m[2], port: Number(m[3]) };
}
