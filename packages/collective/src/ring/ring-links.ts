import { unlinkSync } from 'node:fs';
import { connect as netConnect, createServer, type Server, type Socket } from 'node:net';
import { formatPortRange, type PortRange } from '@rwp/process-group';
import { checkHeader, encodeHeader, FrameKind, HEADER_BYTES, type FrameError, type FrameHeader } from './frame.js';
import { FrameReader } from './frame-reader.js';
import { FrameWriter } from './frame-writer.js';
import { PeerError } from '../group/peer-error.js';

export interface LinkIdentity {
  rank: number;
  worldSize: number;
  /** Rank this one receives from. */
  left: number;
  /** Rank this one sends to. */
  right: number;
  runId: string;
  runHash: number;
}

/** The set-up frame each end of a link sends first: who it is, in which run and group size. */
export function linkHeader(id: LinkIdentity, sender: number): FrameHeader {
  return { runHash: id.runHash, seq: 0, kind: FrameKind.Link, sender, step: 0, total: id.worldSize, offset: 0, count: 0 };
}

/**
 * The two links of this rank in the ring. Data flows from a listener to the rank that connected:
 * this rank listens (ipc: a unix socket in the run's directory; tcp: the reachable address) and
 * its right neighbour connects to receive from it, while it connects to its left neighbour to
 * receive from that one. The receiving side reads with a FrameReader; only a connection whose
 * first frame is the expected rank's link frame of this run is written to.
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
   * introduces this rank; resolves once the left neighbour's link frame has come back.
   */
  connectLeft(urls: string[]): Promise<Uint8Array> {
    const linked = this.reader.expect(linkHeader(this.id, this.id.left), () => new Uint8Array(0));
    const attempt = (i: number) => {
      const url = urls[i];
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
        else this.lost(this.id.left, `the link from rank ${this.id.left} at ${url} closed${failure}`);
      });
      socket.write(encodeHeader(linkHeader(this.id, this.id.rank)));
    };
    attempt(0);
    return linked;
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

  private accept(socket: Socket): void {
    if (this.closed || this.writerSocket !== null) {
      socket.destroy();
      return;
    }
    this.accepted.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    let hello = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      hello = Buffer.concat([hello, chunk]);
      if (hello.length < HEADER_BYTES) return;
      socket.off('data', onData);
      const why = this.checkHello(hello);
      if (why !== null || this.writerSocket !== null) {
        this.onStranger(why ?? 'a second connection claimed to be the right neighbour');
        this.accepted.delete(socket);
        socket.destroy();
        return;
      }
      this.adoptRight(socket);
    };
    socket.on('data', onData);
    socket.on('close', () => this.accepted.delete(socket));
  }

  private checkHello(hello: Buffer): string | null {
    try {
      checkHeader(hello.subarray(0, HEADER_BYTES), linkHeader(this.id, this.id.right), this.id.runId);
    } catch (e) {
      return `turned away a connection: ${(e as Error).message}`;
    }
    // The right neighbour sends nothing after its link frame.
    return hello.length === HEADER_BYTES ? null : `turned away a connection that sent ${hello.length - HEADER_BYTES} bytes after its link frame`;
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
