import type { Router } from 'zeromq';
import { closeFlushed, controlResult, type ControlPlane } from './control-plane.js';
import { decodeToRoot, encodeControl, type ControlKind, type FromRoot, type PeerInfo, type ToRoot } from './control-protocol.js';
import { deferred, type Deferred } from '../base/deferred.js';
import type { Fault } from '../base/fault.js';
import { Outbox } from './outbox.js';
import { isAuthMessage, RootAuth } from './control-auth.js';
import type { PeerAddresses } from './peer-addresses.js';

interface Gathering {
  kind: ControlKind;
  root: number;
  /** The first rank whose part fixed kind and root. */
  first: number;
  values: unknown[];
  have: boolean[];
  count: number;
  own: Deferred<unknown> | null;
}

export interface RootControlOptions {
  runId: string;
  worldSize: number;
  /** Where rank 0 can be reached, for messages. */
  endpoint: string;
  /** The job token every connection must prove before its messages are decoded; null: none. */
  token: string | null;
  /** Where each connection came from, for refusals. */
  addresses: PeerAddresses;
  warn: (message: string) => void;
  /** A member reported a fault, or the members disagree about an op. */
  onFault: (fault: Fault) => void;
}

/** Rank 0's end of the control plane: rendezvous server, gather/scatter for control ops, fault fan-out. */
export class RootControl implements ControlPlane {
  private readonly outbox: Outbox;
  private readonly members = new Map<number, { id: Buffer; peer: PeerInfo }>();
  private readonly rankOfId = new Map<string, number>();
  private readonly auth: RootAuth | null;
  /** Connections (routing ids in hex) that proved the job token. */
  private readonly proven = new Set<string>();
  /** Connections refused before registering; each is logged once. */
  private readonly turnedAway = new Set<string>();
  private readonly registered = deferred<void>();
  private readonly readyRanks = new Set<number>();
  /** Members that could read their left neighbour's shared-memory probe. */
  private readonly shmVotes = new Set<number>();
  private readonly allReady = deferred<void>();
  private readonly gatherings = new Map<number, Gathering>();
  private phase: 'register' | 'link' | 'run' = 'register';
  /** Refused registrations, kept for the message if the rendezvous then times out. */
  readonly refusals: string[] = [];

  constructor(private readonly router: Router, private readonly o: RootControlOptions) {
    this.outbox = new Outbox(router);
    this.auth = o.token === null ? null : new RootAuth(o.token);
    if (o.worldSize === 1) this.registered.resolve();
  }

  start(): void {
    const loop = async (): Promise<void> => {
      for (;;) {
        const [id, body, ...extra] = await this.router.receive();
        this.handle(id, body, extra.length);
      }
    };
    // The loop ends when the socket closes.
    loop().catch(() => undefined);
  }

  /** Resolves with every rank's ring address, `self` being rank 0's, once all have registered. */
  async waitRegistered(self: PeerInfo): Promise<PeerInfo[]> {
    await this.registered.promise;
    return [self, ...[...this.members.values()].map((m) => m.peer)].sort((a, b) => a.rank - b.rank);
  }

  missingRanks(): number[] {
    const missing: number[] = [];
    for (let r = 1; r < this.o.worldSize; r++) if (!this.members.has(r)) missing.push(r);
    return missing;
  }

  welcome(peers: PeerInfo[]): void {
    this.phase = 'link';
    const hosts = new Set(peers.map((p) => p.hostKey)).size;
    if (this.o.token === null && hosts > 1) {
      this.o.warn(`the group spans ${hosts} hosts without a job token: anyone who can reach ${this.o.endpoint} or the ring's ports can join or feed a run (set RWP_JOB_TOKEN)`);
    }
    this.sendAll({ t: 'welcome', peers });
  }

  waitReady(): Promise<void> {
    if (this.readyRanks.size === this.o.worldSize - 1) this.allReady.resolve();
    return this.allReady.promise;
  }

  unreadyRanks(): number[] {
    return [...this.members.keys()].filter((r) => !this.readyRanks.has(r)).sort((a, b) => a - b);
  }

  /** Starts the group; each link goes through shared memory where its receiver, rank 0 too, voted for it. */
  go(sharedMemory: boolean): boolean[] {
    this.phase = 'run';
    const shm = Array.from({ length: this.o.worldSize }, (_, r) => (r === 0 ? sharedMemory : this.shmVotes.has(r)));
    this.sendAll({ t: 'go', shm });
    return shm;
  }

  gather(seq: number, kind: ControlKind, root: number, value: unknown): Promise<unknown> {
    const g = this.contribute(seq, kind, root, 0, value);
    if (g === null) return Promise.reject(new Error(`op #${seq}: the ranks called different operations`));
    g.own = deferred<unknown>();
    const own = g.own.promise;
    this.complete(seq, g);
    return own;
  }

  waitingOn(seq: number): number | null {
    const g = this.gatherings.get(seq);
    if (g === undefined) return 1 < this.o.worldSize ? 1 : null;
    const r = g.have.findIndex((h) => !h);
    return r < 0 ? null : r;
  }

  report(fault: Fault): void {
    this.sendAll({ t: 'abort', origin: fault.origin, peer: fault.peer, detail: fault.detail });
  }

  close(flush: boolean): Promise<void> {
    return closeFlushed(this.router, this.outbox, flush);
  }

  private sendAll(msg: FromRoot): void {
    const body = encodeControl(msg);
    for (const m of this.members.values()) this.outbox.push([m.id, body]);
  }

  private send(id: Buffer, msg: FromRoot): void {
    this.outbox.push([id, encodeControl(msg)]);
  }

  private handle(id: Buffer, body: Buffer | undefined, extraParts: number): void {
    const rank = this.rankOfId.get(id.toString('hex'));
    if (rank === undefined && !this.admit(id, body, extraParts)) return;
    let msg: ToRoot;
    try {
      if (body === undefined || extraParts > 0) throw new Error('control message must have exactly one part');
      msg = decodeToRoot(body);
    } catch (e) {
      if (rank === undefined) this.o.warn(`ignored a malformed message from an unregistered process at ${this.o.endpoint}: ${(e as Error).message}`);
      else this.o.onFault({ peer: rank, detail: `malformed control message from rank ${rank}: ${(e as Error).message}`, origin: 0 });
      return;
    }
    if (msg.t === 'hello') {
      this.hello(id, msg);
    } else if (rank === undefined) {
      this.o.warn(`ignored a "${msg.t}" message from an unregistered process at ${this.o.endpoint}`);
    } else if (msg.t === 'ready') {
      if (msg.shm === true) this.shmVotes.add(rank);
      this.readyRanks.add(rank);
      if (this.readyRanks.size === this.o.worldSize - 1) this.allReady.resolve();
    } else if (msg.t === 'op') {
      const g = this.contribute(msg.seq, msg.kind, msg.root, rank, msg.v);
      if (g !== null) this.complete(msg.seq, g);
    } else {
      this.o.onFault({ peer: msg.peer, detail: msg.detail, origin: rank, waiting: msg.waiting === true, seq: msg.seq, peerSeq: msg.peerSeq });
    }
  }

  /**
   * Whether a message from a connection that has not registered may be decoded. With a job token,
   * only once the connection has proven it: until then its messages are steps of the
   * challenge-response, checked by length and magic alone.
   */
  private admit(id: Buffer, body: Buffer | undefined, extraParts: number): boolean {
    const key = id.toString('hex');
    if (this.turnedAway.has(key)) return false;
    if (this.auth === null) {
      if (body === undefined || !isAuthMessage(body)) return true;
      this.turnAway(id, 'it proves a job token but this group has none (RWP_JOB_TOKEN is unset on rank 0)');
      return false;
    }
    if (this.proven.has(key)) return true;
    const step = body === undefined || extraParts > 0 ? { refused: 'it sent a control message without proving the job token' } : this.auth.step(id, body);
    if (step === 'ok') this.proven.add(key);
    else if ('reply' in step) this.outbox.push([id, step.reply]);
    else this.turnAway(id, step.refused);
    return false;
  }

  private turnAway(id: Buffer, why: string): void {
    this.turnedAway.add(id.toString('hex'));
    const ours = `a connection from ${this.o.addresses.of(id)}: ${why}`;
    this.refusals.push(ours);
    this.o.warn(`rendezvous at ${this.o.endpoint} refused ${ours}`);
    this.send(id, { t: 'refused', reason: why });
  }

  private hello(id: Buffer, msg: Extract<ToRoot, { t: 'hello' }>): void {
    const p = msg.peer;
    const who = `rank ${p.rank} (pid ${p.pid} on ${p.host}, from ${this.o.addresses.of(id)})`;
    const refuse = (reason: string, ours: string) => {
      this.refusals.push(ours);
      this.o.warn(`rendezvous at ${this.o.endpoint} refused ${who}: ${ours}`);
      this.send(id, { t: 'refused', reason });
    };
    if (msg.run !== this.o.runId) {
      refuse(
        `it serves run "${this.o.runId}" but this process belongs to run "${msg.run}"`,
        `it belongs to run "${msg.run}" but this group is run "${this.o.runId}" (a process of an earlier run?)`,
      );
    } else if (msg.world !== this.o.worldSize) {
      refuse(`WORLD_SIZE is ${this.o.worldSize} on rank 0 but ${msg.world} here`, `it has WORLD_SIZE ${msg.world}, rank 0 has ${this.o.worldSize}`);
    } else if (!Number.isInteger(p.rank) || p.rank < 1 || p.rank >= this.o.worldSize) {
      refuse(`rank ${p.rank} is not a member rank of a group of ${this.o.worldSize}`, `rank ${p.rank} is out of range`);
    } else if (this.members.has(p.rank)) {
      const m = this.members.get(p.rank)!.peer;
      refuse(`rank ${p.rank} is already taken by pid ${m.pid} on ${m.host}`, `rank ${p.rank} is already taken by pid ${m.pid} on ${m.host}`);
    } else if (this.phase !== 'register') {
      refuse(`the group of run "${this.o.runId}" is already formed`, 'the group is already formed');
    } else {
      this.members.set(p.rank, { id, peer: p });
      this.rankOfId.set(id.toString('hex'), p.rank);
      if (this.members.size === this.o.worldSize - 1) this.registered.resolve();
    }
  }

  /** Records one rank's part of an op; null when the parts disagree (a fault is raised). */
  private contribute(seq: number, kind: ControlKind, root: number, rank: number, value: unknown): Gathering | null {
    let g = this.gatherings.get(seq);
    if (g === undefined) {
      const n = this.o.worldSize;
      g = { kind, root, first: rank, values: new Array<unknown>(n), have: new Array<boolean>(n).fill(false), count: 0, own: null };
      this.gatherings.set(seq, g);
    }
    const call = (k: ControlKind, r: number) => (k === 'broadcastValue' ? `${k}(root ${r})` : k);
    if (g.kind !== kind || g.root !== root) {
      this.o.onFault({ peer: rank, detail: `op #${seq}: rank ${g.first} called ${call(g.kind, g.root)} but rank ${rank} called ${call(kind, root)}`, origin: 0 });
      return null;
    }
    if (g.have[rank]) {
      this.o.onFault({ peer: rank, detail: `op #${seq}: rank ${rank} sent its part twice`, origin: 0 });
      return null;
    }
    g.have[rank] = true;
    g.values[rank] = value;
    g.count++;
    return g;
  }

  private complete(seq: number, g: Gathering): void {
    if (g.count < this.o.worldSize || g.own === null) return;
    this.gatherings.delete(seq);
    const v = controlResult(g.kind, g.root, g.values);
    this.sendAll({ t: 'result', seq, v });
    g.own.resolve(v);
  }
}
