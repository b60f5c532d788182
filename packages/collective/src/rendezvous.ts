import type { Dealer, Pair, Router } from 'zeromq';
import type { Transport } from './process-group-env.js';
import type { PeerInfo } from './control-protocol.js';
import type { MemberControl } from './control-member.js';
import type { RootControl } from './control-root.js';
import type { Progress } from './fault.js';
import { checkFrame, encodeHeader, FrameKind } from './frame.js';
import { hostKey, isLoopback, makeIpcDir, reachableAddress } from './host.js';
import type { RingContext } from './ring-context.js';
import { errorCode } from './zmq-sockets.js';
import { hostname } from 'node:os';

/** An error during set-up that a particular rank is to blame for. */
export class PeerError extends Error {
  constructor(readonly peer: number, message: string) {
    super(message);
    this.name = 'PeerError';
  }
}

export interface GroupSetup {
  rank: number;
  worldSize: number;
  runId: string;
  transport: Transport;
  masterAddr: string;
  masterPort: number;
  hostAddr: string | undefined;
  ipc: { dir: string; path: string } | null;
  ring: RingContext;
  ringIn: Pair;
  ringOut: Pair;
  control: { kind: 'root'; plane: RootControl; socket: Router } | { kind: 'member'; plane: MemberControl; socket: Dealer };
  progress: Progress;
  /** Treat a dropped connection on `socket` as the death of `peer` from now on. */
  watch: (socket: Pair | Dealer, peer: number) => void;
  /** Called once rank 0 has accepted this rank. */
  onJoined: () => void;
}

export function endpointOf(masterAddr: string, masterPort: number): string {
  return `${masterAddr}:${masterPort}`;
}

/**
 * Rank 0 binds MASTER_ADDR:MASTER_PORT; every other rank registers its ring address there; rank 0
 * answers with all addresses; each rank connects to the next and exchanges a link frame with it;
 * once all report ready, rank 0 says go. Bounded by the rendezvous deadline of the caller.
 */
export async function rendezvous(s: GroupSetup): Promise<void> {
  const self = await bindRingInput(s);
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
    await linkRing(s, peers);
    s.progress.lazy = () => {
      const unready = root.unreadyRanks();
      return { peer: unready[0] ?? null, what: `rank(s) ${unready.join(', ')} to link the ring` };
    };
    await root.waitReady();
    root.go();
  } else {
    const member = s.control.plane;
    s.control.socket.connect(`tcp://${endpoint}`);
    member.hello(s.runId, s.worldSize, self);
    s.progress.peer = 0;
    s.progress.what = `rank 0 to answer at ${endpoint} (is it running, with the same MASTER_ADDR, MASTER_PORT and RWP_RUN_ID?)`;
    let peers: PeerInfo[];
    try {
      peers = await member.waitWelcome();
    } catch (e) {
      throw new PeerError(0, `rank 0 at ${endpoint} refused this process: ${(e as Error).message}`);
    }
    s.onJoined();
    s.watch(s.control.socket, 0);
    await linkRing(s, peers);
    member.ready();
    s.progress.peer = 0;
    s.progress.what = 'rank 0 to confirm that the whole ring is linked';
    await member.waitGo();
  }
}

async function bindRendezvous(router: Router, masterAddr: string, port: number): Promise<void> {
  // Other hosts must reach it, but a loopback master keeps the port off the network.
  const host = isLoopback(masterAddr) ? '127.0.0.1' : '*';
  try {
    await router.bind(`tcp://${host}:${port}`);
  } catch (e) {
    if (errorCode(e) === 'EADDRINUSE') {
      throw new Error(`port ${port} on ${masterAddr} is already in use (another run, or another program); choose a free MASTER_PORT`);
    }
    throw new Error(`cannot bind the rendezvous port ${port} on ${masterAddr}: ${(e as Error).message}`);
  }
}

/** Binds this rank's ring input: on ipc:// (for ranks on this host) and tcp:// (for the rest). */
async function bindRingInput(s: GroupSetup): Promise<PeerInfo> {
  let ipc: string | null = null;
  if (s.ipc !== null) {
    makeIpcDir(s.ipc.dir);
    ipc = `ipc://${s.ipc.path}`;
    await bindOrExplain(s.ringIn, ipc);
  }
  const addr = await reachableAddress(s.masterAddr, s.masterPort, s.hostAddr);
  await bindOrExplain(s.ringIn, `tcp://${addr}:*`, s.hostAddr !== undefined ? ' (from RWP_HOST_ADDR / hostAddr)' : '');
  const tcp = s.ringIn.lastEndpoint;
  return { rank: s.rank, host: hostname(), hostKey: hostKey(), pid: process.pid, ipc, tcp };
}

async function bindOrExplain(socket: Pair, address: string, hint = ''): Promise<void> {
  try {
    await socket.bind(address);
  } catch (e) {
    throw new Error(`cannot bind the ring socket to ${address}${hint}: ${(e as Error).message}`);
  }
}

/** Connects to the next rank and checks the link frame from the previous one. */
async function linkRing(s: GroupSetup, peers: PeerInfo[]): Promise<void> {
  const { ring } = s;
  if (peers.length !== s.worldSize || peers.some((p, i) => p.rank !== i)) {
    throw new PeerError(0, `rank 0 sent ${peers.length} ring addresses for a group of ${s.worldSize}`);
  }
  const me = peers[s.rank];
  const next = peers[ring.right];
  const address = s.transport === 'ipc' && next.ipc !== null && next.hostKey === me.hostKey ? next.ipc : next.tcp;
  if (address === null) throw new PeerError(ring.right, `rank ${ring.right} registered no address reachable from ${me.host}`);
  s.ringOut.connect(address);
  const link = { runHash: ring.runHash, seq: 0, kind: FrameKind.Link, step: 0, total: s.worldSize, offset: 0, count: 0 };
  ring.outbox.push([encodeHeader({ ...link, sender: s.rank })]);
  s.progress.peer = ring.left;
  s.progress.what = `the ring link from rank ${ring.left}`;
  checkFrame(await ring.inbox.next(), { ...link, sender: ring.left }, s.runId);
  await ring.outbox.flush();
  s.watch(s.ringOut, ring.right);
}
