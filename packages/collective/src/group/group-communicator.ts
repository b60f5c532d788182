import { randomBytes } from 'node:crypto';
import type { Dealer, Router } from 'zeromq';
import { runIdHash } from '@rwp/process-group';
import type { Mpi } from '@rwp/mpi';
import type { SharedMemory } from '@rwp/shm';
import type { Communicator, ReduceOp } from '../base/api.js';
import type { CollectiveBackend } from '../base/collective-backend.js';
import { deferred } from '../base/deferred.js';
import type { Fault, Progress } from '../base/fault.js';
import type { ControlKind } from '../control/control-protocol.js';
import { MemberControl } from '../control/control-member.js';
import { RootControl } from '../control/control-root.js';
import { controlClientSocket, controlServerSocket, newContext, observeSocket } from '../control/zmq-sockets.js';
import { PeerAddresses } from '../control/peer-addresses.js';
import { CollectiveError } from '../base/errors.js';
import { endpointOf, rendezvous, type GroupAddress } from '../rendezvous/rendezvous.js';
import { mod } from '../ring/ring-plan.js';
import { removeIpcSocket } from '../transport/ipc-dir.js';
import { RingLinks } from '../transport/ring-links.js';
import { ScratchPool } from '../transport/scratch-pool.js';
import { ShmProbe } from '../transport/shm-probe.js';
import { ShmRegions } from '../transport/shm-regions.js';
import { BACKENDS, type BackendName } from './backends.js';
import { FaultPolicy } from './fault-policy.js';
import { FlightRecorder, writeFlightRecords } from './flight-recorder.js';

export interface GroupConfig extends GroupAddress {
  timeoutMs: number;
  chunkBytes: number;
  /** Which implementation runs allreduce and broadcast (see BACKENDS). */
  backend: BackendName;
  /** Shared memory for allreduce, if all ranks turn out to see the same /dev/shm. */
  shm: { api: SharedMemory; prefix: string } | null;
  /** Open MPI, with backend 'mpi' (checked by connect before the rendezvous); else null. */
  mpi: Mpi | null;
  /** The job token every control and ring connection must prove; null: none. */
  token: string | null;
  /** Where this rank writes its flight records when the group fails; null: nowhere. */
  logDir: string | null;
  warn: (message: string) => void;
}

/**
 * A communicator of two or more processes: a ring of stream links carrying float32 frames, plus a
 * ZeroMQ star around rank 0 for the rendezvous, small values and failure notices.
 */
export class GroupCommunicator implements Communicator {
  readonly rank: number;
  readonly worldSize: number;
  private seq = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private fault: Fault | null = null;
  private readonly faultLatch = deferred<never>();
  /** Set once welcomed into the group: only members may send abort notices to rank 0. */
  private joined = false;
  /** Set once this rank is done with collectives: a dropped ring connection is no longer news. */
  private leaving = false;
  private tornDown = false;
  private closing: Promise<void> | null = null;
  private progress: Progress = { peer: null, what: 'nothing' };
  private readonly links: RingLinks;
  private readonly left: number;
  private readonly control: { kind: 'root'; plane: RootControl; socket: Router } | { kind: 'member'; plane: MemberControl; socket: Dealer };
  /** Rank 0: where its control connections come from. */
  private readonly addresses: PeerAddresses | null = null;
  /** Set once the ring is linked: what runs allreduce and broadcast. */
  private backend: CollectiveBackend | null = null;
  /** Set when a link next to this rank goes through shared memory. */
  private shmRegions: ShmRegions | null = null;
  /** How many of the ring's links go through shared memory. */
  private shmLinkCount = 0;
  /** This rank's shared-memory probe while the rendezvous runs. */
  private probe: ShmProbe | null = null;
  private readonly policy: FaultPolicy;
  private readonly flight = new FlightRecorder();
  /** Whether the op running now is a ring op, whose frames say which op the left neighbour is in. */
  private ringOp = false;
  /** Whom the ring's ops exchange data with: both neighbours. */
  private readonly ringPeers: readonly number[];
  /** Whom the control ops exchange values with: rank 0, or (rank 0) every other rank. */
  private readonly controlPeers: readonly number[];
  /** Stops each monitor of the control socket; called before the socket closes. */
  private readonly unobserve: Array<() => void> = [];

  constructor(private readonly cfg: GroupConfig) {
    this.rank = cfg.rank;
    this.worldSize = cfg.worldSize;
    const context = newContext();
    this.left = mod(cfg.rank - 1, cfg.worldSize);
    this.ringPeers = [this.left, mod(cfg.rank + 1, cfg.worldSize)];
    this.controlPeers = cfg.rank === 0 ? Array.from({ length: cfg.worldSize - 1 }, (_, i) => i + 1) : [0];
    this.policy = new FaultPolicy({
      rank: cfg.rank,
      left: this.left,
      timeoutMs: cfg.timeoutMs,
      linked: () => this.backend !== null,
      joined: () => this.joined,
      leaving: () => this.leaving,
      failed: () => this.fault !== null,
      progress: () => this.progress,
      seq: () => this.seq,
      peerSeq: (peer) => (this.ringOp && peer === this.left ? (this.links.reader.lastSeq ?? undefined) : undefined),
      report: (f) => this.control.plane.report(f),
      raise: (f, report) => this.raise(f, report),
    });
    this.links = new RingLinks(
      { rank: cfg.rank, worldSize: cfg.worldSize, left: this.left, right: mod(cfg.rank + 1, cfg.worldSize), runId: cfg.runId, runHash: runIdHash(cfg.runId) },
      cfg.token,
      (peer, why) => this.policy.peerLost(peer, why),
      (why) => cfg.warn(`ring listener of rank ${cfg.rank}: ${why}`),
      (e) => this.policy.fail(e),
    );
    const onFault = (f: Fault) => this.policy.heard(f);
    if (cfg.rank === 0) {
      const socket = controlServerSocket(context);
      const endpoint = endpointOf(cfg.masterAddr, cfg.masterPort);
      this.addresses = new PeerAddresses(context);
      const plane = new RootControl(socket, { runId: cfg.runId, worldSize: cfg.worldSize, endpoint, token: cfg.token, addresses: this.addresses, warn: cfg.warn, onFault });
      this.unobserve.push(
        observeSocket(socket, (e) => {
          if (e.type === 'handshake:error:protocol' || e.type === 'handshake:error:other') {
            cfg.warn(`rendezvous at ${endpoint} dropped a connection that failed ZeroMQ's handshake (${e.error.message}): not a rank of this rwp version`);
          }
        }),
      );
      this.control = { kind: 'root', plane, socket };
    } else {
      // A fresh routing id per process, so a stale process claiming the same rank gets its own reply.
      const socket = controlClientSocket(context, `${cfg.rank}-${randomBytes(6).toString('hex')}`, cfg.timeoutMs);
      this.control = { kind: 'member', plane: new MemberControl(socket, { rank: cfg.rank, token: cfg.token, onFault }), socket };
    }
  }

  /** Binds, meets the other ranks and links the ring; rejects with a CollectiveError('rendezvous'). */
  async establish(): Promise<void> {
    await this.addresses?.start();
    this.control.plane.start();
    const { cfg } = this;
    const probe = cfg.shm === null ? null : new ShmProbe(cfg.shm.api, cfg.shm.prefix, cfg.rank);
    this.probe = probe;
    const linked = await this.run('rendezvous', () =>
      rendezvous({
        rank: cfg.rank,
        worldSize: cfg.worldSize,
        runId: cfg.runId,
        transport: cfg.transport,
        masterAddr: cfg.masterAddr,
        masterPort: cfg.masterPort,
        hostAddr: cfg.hostAddr,
        dataPorts: cfg.dataPorts,
        ipc: cfg.ipc,
        warn: cfg.warn,
        deadline: Date.now() + cfg.timeoutMs,
        links: this.links,
        control: this.control,
        progress: this.progress,
        watchRoot: (socket) =>
          this.unobserve.push(
            observeSocket(socket, (e) => {
              if (e.type === 'disconnect') this.policy.peerLost(0, 'the control connection to rank 0 dropped');
            }),
          ),
        onJoined: () => {
          this.joined = true;
        },
        shmProbe: probe,
      }).finally(() => probe?.release()),
    );
    const right = mod(cfg.rank + 1, cfg.worldSize);
    // A rank without shared memory made no probe, so neither of its links got a vote.
    const { viaShm } = linked;
    this.shmLinkCount = viaShm.filter((v) => v).length;
    if (cfg.shm !== null && (viaShm[cfg.rank] || viaShm[right])) {
      this.shmRegions = new ShmRegions(cfg.shm.api, cfg.shm.prefix, cfg.rank, viaShm[right]);
    }
    const ring = {
      rank: cfg.rank,
      worldSize: cfg.worldSize,
      left: this.left,
      right,
      runId: cfg.runId,
      runHash: runIdHash(cfg.runId),
      chunkElems: cfg.chunkBytes / 4,
      reader: this.links.reader,
      writer: linked.writer,
      pool: new ScratchPool(cfg.chunkBytes / 4),
      progress: this.progress,
    };
    try {
      this.backend = BACKENDS[cfg.backend]({ ring, shm: this.shmRegions === null ? null : { viaShm, regions: this.shmRegions }, mpi: cfg.mpi });
    } catch (e) {
      await this.teardown();
      throw e;
    }
  }

  get sharedMemory(): boolean {
    return this.shmLinkCount === this.worldSize;
  }

  get sharedMemoryLinks(): number {
    return this.shmLinkCount;
  }

  allreduce(data: Float32Array, op: ReduceOp = 'sum'): Promise<void> {
    if (!(data instanceof Float32Array)) return Promise.reject(new TypeError('allreduce: data must be a Float32Array'));
    if (op !== 'sum' && op !== 'mean') return Promise.reject(new RangeError(`allreduce: op must be "sum" or "mean", got "${String(op)}"`));
    return this.run('allreduce', (seq) => this.linked().allreduce(data, seq, op === 'mean'), data.byteLength);
  }

  broadcast(data: Float32Array, root: number): Promise<void> {
    if (!(data instanceof Float32Array)) return Promise.reject(new TypeError('broadcast: data must be a Float32Array'));
    const bad = this.checkRoot('broadcast', root);
    if (bad) return Promise.reject(bad);
    return this.run('broadcast', (seq) => this.linked().broadcast(data, root, seq), data.byteLength);
  }

  broadcastValue<T>(value: T | undefined, root: number): Promise<T> {
    const bad = this.checkRoot('broadcastValue', root);
    if (bad) return Promise.reject(bad);
    return this.controlOp('broadcastValue', root, this.rank === root ? value : undefined) as Promise<T>;
  }

  allgather<T>(value: T): Promise<T[]> {
    return this.controlOp('allgather', -1, value) as Promise<T[]>;
  }

  async barrier(): Promise<void> {
    await this.controlOp('barrier', -1, null);
  }

  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    try {
      // A barrier first: a rank's last sends may still be queued when its own op returns.
      await this.run('close', async (seq) => {
        await this.control.plane.gather(seq, 'close', -1, null);
        this.leaving = true;
        this.backend?.finish?.();
      });
    } catch {
      // The group failed; there is nobody left to wait for.
    }
    await this.teardown();
  }

  private controlOp(kind: ControlKind, root: number, value: unknown): Promise<unknown> {
    return this.run(kind, (seq) => {
      this.progress.lazy = () => {
        const peer = this.control.plane.waitingOn(seq);
        const what = this.rank === 0 ? `rank ${peer} to join op #${seq} ${kind}` : `rank 0 to finish op #${seq} ${kind} (it waits for every rank to join)`;
        return { peer, what };
      };
      return this.control.plane.gather(seq, kind, root, value);
    });
  }

  private linked(): CollectiveBackend {
    if (this.backend === null) throw new Error('the ring is not linked');
    return this.backend;
  }

  private checkRoot(op: string, root: number): RangeError | null {
    return Number.isInteger(root) && root >= 0 && root < this.worldSize
      ? null
      : new RangeError(`${op}: root must be a rank from 0 to ${this.worldSize - 1}, got ${root}`);
  }

  /** Runs collectives one after another, each under the deadline and the group's fault latch. */
  private run<T>(op: string, body: (seq: number) => Promise<T>, bytes: number | null = null): Promise<T> {
    const result = this.tail.then(() => this.execute(op, body, bytes));
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** `bytes`: the array of a ring op, for the flight records; null for the control ops. */
  private async execute<T>(op: string, body: (seq: number) => Promise<T>, bytes: number | null): Promise<T> {
    if (this.fault !== null) throw this.errorFor(op, this.fault);
    if (this.closing !== null && op !== 'close') throw new CollectiveError(op, this.rank, null, 'the communicator is closed');
    const seq = op === 'rendezvous' ? 0 : ++this.seq;
    this.progress.peer = null;
    this.progress.what = `op #${seq} ${op}`;
    this.progress.lazy = undefined;
    this.ringOp = bytes !== null;
    const record = this.flight.begin(seq, op, bytes, this.ringOp ? this.ringPeers : this.controlPeers);
    const timer = setTimeout(() => this.policy.timedOut(), this.cfg.timeoutMs);
    try {
      const result = await Promise.race([body(seq), this.faultLatch.promise]);
      this.flight.end(record);
      return result;
    } catch (e) {
      this.policy.fail(e);
      throw this.errorFor(op, this.fault!);
    } finally {
      clearTimeout(timer);
    }
  }

  private errorFor(op: string, f: Fault): CollectiveError {
    const detail = f.origin === this.rank ? f.detail : `${f.detail} (detected by rank ${f.origin})`;
    return new CollectiveError(op, this.rank, f.peer, detail);
  }

  /** The group can run no more collectives: fail what is pending, tell the others, free the sockets. */
  private raise(fault: Fault, report: boolean): void {
    if (this.fault !== null || this.tornDown) return;
    this.fault = fault;
    this.faultLatch.reject(new Error(fault.detail));
    if (report) this.control.plane.report(fault);
    this.dumpFlight(fault);
    this.teardown().catch(() => undefined);
  }

  /** Once the group was linked: what this rank was doing, for whoever debugs the failure. */
  private dumpFlight(fault: Fault): void {
    const { logDir, rank, worldSize, runId } = this.cfg;
    if (logDir === null || this.backend === null) return;
    try {
      writeFlightRecords(logDir, { rank, worldSize, runId }, fault, this.flight.entries());
    } catch (e) {
      this.cfg.warn(`rank ${rank} could not write its flight records in ${logDir}: ${(e as Error).message}`);
    }
  }

  private async teardown(): Promise<void> {
    if (this.tornDown) return;
    this.tornDown = true;
    this.leaving = true;
    try {
      this.links.reader.fail(new Error('the communicator is closed'));
      this.links.close();
      this.shmRegions?.close();
      // A rendezvous that timed out never returns to release it.
      this.probe?.release();
      if (this.cfg.ipc !== null) removeIpcSocket(this.cfg.ipc.dir, this.cfg.ipc.path);
    } finally {
      // Whatever failed above, the ZeroMQ sockets must close, or the process never exits.
      for (const stop of this.unobserve) stop();
      // A member never welcomed has no notice to deliver; lingering would hand its hello to
      // whichever group binds the port next.
      await this.control.plane.close(this.rank === 0 || this.joined);
      this.addresses?.close();
    }
  }
}
