import { hostname } from 'node:os';
import type { Dealer, Router } from 'zeromq';
import { listenThenClose, type PortRange, type Transport } from '@rwp/process-group';
import type { MemberControl } from '../control/control-member.js';
import type { PeerInfo } from '../control/control-protocol.js';
import type { RootControl } from '../control/control-root.js';
import type { Progress } from '../base/fault.js';
import type { RingLinks } from '../transport/ring-links.js';
import { hostKey, isLoopback, reachableAddress } from './host.js';
import { makeIpcDir } from '../transport/ipc-dir.js';
import { PeerError } from '../base/peer-error.js';
import type { FrameWriter } from '../transport/frame-writer.js';
import type { ShmProbe } from '../transport/shm-probe.js';
import { errorCode } from '../control/zmq-sockets.js';

/** Who this rank is and where the group meets. */
export interface GroupAddress {
  rank: number;
  worldSize: number;
  runId: string;
  transport: Transport;
  masterAddr: string;
  masterPort: number;
  hostAddr: string | undefined;
  /** Where the ring's TCP listener may bind; null: a port the kernel picks. */
  dataPorts: PortRange | null;
  /** Where the ring input's ipc:// socket file goes; null for tcp only. */
  ipc: { dir: string; path: string } | null;
  /** Says what the user should know while the group forms (a master name that does not resolve yet). */
  warn: (message: string) => void;
}

export interface GroupSetup extends GroupAddress {
  /** When the rendezvous deadline passes, in ms since the epoch. */
  deadline: number;
  links: RingLinks;
  control: { kind: 'root'; plane: RootControl; socket: Router } | { kind: 'member'; plane: MemberControl; socket: Dealer };
  progress: Progress;
  /** Treat a dropped connection to rank 0 as its death from now on. */
  watchRoot: (socket: Dealer) => void;
  /** Called once rank 0 has accepted this rank. */
  onJoined: () => void;
  /** This rank's shared-memory probe, when allreduce may use shared memory. */
  shmProbe: ShmProbe | null;
}

export interface Linked {
  writer: FrameWriter;
  /** `viaShm[r]`: rank r read rank r-1's shared-memory probe, so that link may go through shared memory. */
  viaShm: boolean[];
}

export function endpointOf(masterAddr: string, masterPort: number): string {
  return `${masterAddr}:${masterPort}`;
}

/**
 * Rank 0 binds MASTER_ADDR:MASTER_PORT; every other rank registers its ring address there; rank 0
 * answers with all addresses; each rank links to its neighbours and checks their link frames;
 * once all report ready (each with its vote for shared memory on the link from its left
 * neighbour), rank 0 says go, with every link's vote. Resolves with the writer to the right
 * neighbour. Bounded by the caller's rendezvous deadline.
 */
export async function rendezvous(s: GroupSetup): Promise<Linked> {
  const self = await listenForRing(s);
  const endpoint = endpointOf(s.masterAddr, s.masterPort);
  if (s.control.kind === 'root') {
    const root = s.control.plane;
    await bindRendezvous(s.control.socket, s.masterAddr, s.masterPort);
    s.progress.lazy = () => {
      const missing = root.missingRanks();
      const refused = root.refusals.length > 0 ? `; refused: ${root.refusals.join('; ')}` : '';
      return { peer: missing[0] ?? null, what: `rank(s) ${missing.join(', ')} to register at ${endpoint} (run "${s.runId}")${refused}` };
    };
    const peers = await root.waitRegistered(self);
    s.progress.lazy = undefined;
    root.welcome(peers);
    const writer = await linkRing(s, peers);
    s.progress.lazy = () => {
      const unready = root.unreadyRanks();
      return { peer: unready[0] ?? null, what: `rank(s) ${unready.join(', ')} to link the ring` };
    };
    const vote = leftProbeSeen(s, peers);
    await root.waitReady();
    return { writer, viaShm: root.go(vote) };
  }
  const member = s.control.plane;
  s.control.socket.connect(`tcp://${endpoint}`);
  member.hello(s.runId, s.worldSize, self);
  s.progress.peer = 0;
  s.progress.what = `rank 0 to answer at ${endpoint} (is it running, with the same MASTER_ADDR, MASTER_PORT and RWP_RUN_ID?)`;
  let peers: PeerInfo[];
  try {
    peers = await member.waitWelcome();
  } catch (e) {
    throw new PeerError(0, `cannot join the group at ${endpoint}: ${(e as Error).message}`);
  }
  s.onJoined();
  s.watchRoot(s.control.socket);
  const writer = await linkRing(s, peers);
  member.ready(leftProbeSeen(s, peers));
  s.progress.peer = 0;
  s.progress.what = 'rank 0 to confirm that the whole ring is linked';
  return { writer, viaShm: await member.waitGo() };
}

function leftProbeSeen(s: GroupSetup, peers: PeerInfo[]): boolean {
  const left = (s.rank + s.worldSize - 1) % s.worldSize;
  return s.shmProbe?.sees(left, peers[left].shm) ?? false;
}

async function bindRendezvous(router: Router, masterAddr: string, port: number): Promise<void> {
  // Other hosts must reach it, but a loopback master keeps the port off the network.
  const host = isLoopback(masterAddr) ? '127.0.0.1' : '*';
  try {
    await router.bind(`tcp://${host}:${port}`);
  } catch (e) {
    // Under load ZeroMQ sometimes reports a taken port as "Operation was not possible or timed
    // out" rather than EADDRINUSE: ask the kernel directly before calling it anything else.
    if (errorCode(e) === 'EADDRINUSE' || (await portTaken(port, host))) {
      throw new Error(`port ${port} on ${masterAddr} is already in use (another run, or another program); choose a free MASTER_PORT`);
    }
    throw new Error(`cannot bind the rendezvous port ${port} on ${masterAddr}: ${(e as Error).message}`);
  }
}

async function portTaken(port: number, host: string): Promise<boolean> {
  return listenThenClose(port, host === '*' ? undefined : host).then(
    () => false,
    (e: NodeJS.ErrnoException) => e.code === 'EADDRINUSE',
  );
}

/** Listens for the right neighbour: on a unix socket for ranks on this host, and on TCP for the rest. */
async function listenForRing(s: GroupSetup): Promise<PeerInfo> {
  if (s.ipc !== null) makeIpcDir(s.ipc.dir);
  const addr = await reachableAddress(s.masterAddr, s.masterPort, s.hostAddr, s.deadline, s.warn);
  const { ipc, tcp } = await s.links.listen(s.ipc?.path ?? null, addr, s.dataPorts);
  const self: PeerInfo = { rank: s.rank, host: hostname(), hostKey: hostKey(), pid: process.pid, ipc, tcp };
  if (s.shmProbe?.token != null) self.shm = s.shmProbe.token;
  return self;
}

/** Connects to the left neighbour, waits for the right one, and checks both link frames. */
async function linkRing(s: GroupSetup, peers: PeerInfo[]): Promise<FrameWriter> {
  if (peers.length !== s.worldSize || peers.some((p, i) => p.rank !== i)) {
    throw new PeerError(0, `rank 0 sent ${peers.length} ring addresses for a group of ${s.worldSize}`);
  }
  const me = peers[s.rank];
  const left = (s.rank + s.worldSize - 1) % s.worldSize;
  const right = (s.rank + 1) % s.worldSize;
  const from = peers[left];
  const urls = [s.transport === 'ipc' && from.hostKey === me.hostKey ? from.ipc : null, from.tcp].filter((u): u is string => u !== null);
  if (urls.length === 0) throw new PeerError(left, `rank ${left} registered no address reachable from ${me.host}`);
  const linked = s.links.connectLeft(urls);
  s.progress.peer = right;
  s.progress.what = `rank ${right} to connect its ring link`;
  const writer = await s.links.waitRight();
  s.progress.peer = left;
  s.progress.what = `rank ${left} to answer on its ring link at ${urls.join(' or ')}`;
  await linked;
  return writer;
}
