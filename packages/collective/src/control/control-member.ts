import type { Dealer } from 'zeromq';
import { closeFlushed, type ControlPlane } from './control-plane.js';
import { decodeFromRoot, encodeControl, type ControlKind, type FromRoot, type PeerInfo, type ToRoot } from './control-protocol.js';
import { deferred, type Deferred } from '../base/deferred.js';
import type { Fault } from '../base/fault.js';
import { Outbox } from './outbox.js';
import { MemberAuth } from './control-auth.js';

export interface MemberControlOptions {
  rank: number;
  /** The job token to prove to rank 0 before the hello; null: none. */
  token: string | null;
  /** rank 0 sent an abort, or something it sent makes no sense. */
  onFault: (fault: Fault) => void;
}

/** A non-zero rank's end of the control plane: a Dealer connected to rank 0's Router. */
export class MemberControl implements ControlPlane {
  private readonly outbox: Outbox;
  private readonly welcomed = deferred<PeerInfo[]>();
  private readonly went = deferred<boolean[]>();
  private readonly results = new Map<number, Deferred<unknown>>();
  /** While rank 0's challenge is awaited: the challenge-response and the hello that follows it. */
  private joining: { auth: MemberAuth; hello: ToRoot } | null = null;

  constructor(private readonly dealer: Dealer, private readonly o: MemberControlOptions) {
    this.outbox = new Outbox(dealer);
  }

  start(): void {
    const loop = async (): Promise<void> => {
      for (;;) {
        const [body, ...extra] = await this.dealer.receive();
        this.handle(body, extra.length);
      }
    };
    // The loop ends when the socket closes.
    loop().catch(() => undefined);
  }

  /** Registers with rank 0, after proving the job token when there is one. */
  hello(runId: string, worldSize: number, self: PeerInfo): void {
    const hello: ToRoot = { t: 'hello', run: runId, world: worldSize, peer: self };
    if (this.o.token === null) {
      this.send(hello);
      return;
    }
    this.joining = { auth: new MemberAuth(this.o.token), hello };
    this.outbox.push([this.joining.auth.request()]);
  }

  /** Every rank's ring address; rejects with rank 0's reason when it refuses this process. */
  waitWelcome(): Promise<PeerInfo[]> {
    return this.welcomed.promise;
  }

  ready(sharedMemory: boolean): void {
    this.send({ t: 'ready', rank: this.o.rank, shm: sharedMemory });
  }

  /** Resolves once rank 0 says go, with which links go through shared memory (see FromRoot 'go'). */
  waitGo(): Promise<boolean[]> {
    return this.went.promise;
  }

  gather(seq: number, kind: ControlKind, root: number, value: unknown): Promise<unknown> {
    const d = deferred<unknown>();
    this.results.set(seq, d);
    this.send({ t: 'op', rank: this.o.rank, seq, kind, root, v: value });
    return d.promise;
  }

  waitingOn(): number {
    return 0;
  }

  report(fault: Fault): void {
    this.send({ t: 'abort', rank: this.o.rank, peer: fault.peer, detail: fault.detail, waiting: fault.waiting === true, seq: fault.seq, peerSeq: fault.peerSeq });
  }

  close(flush: boolean): Promise<void> {
    return closeFlushed(this.dealer, this.outbox, flush);
  }

  /** Rank 0's challenge, if `body` is one: proves the token, checks rank 0's proof and says hello. */
  private answer(body: Buffer): boolean {
    const { auth, hello } = this.joining!;
    const answer = auth.answer(body);
    if (answer === null) return false;
    this.joining = null;
    this.outbox.push([answer.proof]);
    if (answer.rootProved) this.send(hello);
    else this.welcomed.reject(new Error('the process there did not prove this job token: RWP_JOB_TOKEN differs between it and this process (or it is not rank 0 of this job)'));
    return true;
  }

  private send(msg: ToRoot): void {
    this.outbox.push([encodeControl(msg)]);
  }

  private handle(body: Buffer, extraParts: number): void {
    if (this.joining !== null && extraParts === 0 && this.answer(body)) return;
    let msg: FromRoot;
    try {
      if (extraParts > 0) throw new Error('control message must have exactly one part');
      msg = decodeFromRoot(body);
    } catch (e) {
      this.o.onFault({ peer: 0, detail: `malformed control message from rank 0: ${(e as Error).message}`, origin: this.o.rank });
      return;
    }
    if (this.joining !== null && msg.t !== 'refused') {
      this.welcomed.reject(new Error('rank 0 answered without the job-token challenge (is RWP_JOB_TOKEN unset there?)'));
      return;
    }
    switch (msg.t) {
      case 'welcome':
        this.welcomed.resolve(msg.peers);
        break;
      case 'refused':
        this.welcomed.reject(new Error(`rank 0 refused this process: ${msg.reason}`));
        break;
      case 'go':
        this.went.resolve(msg.shm);
        break;
      case 'result': {
        const d = this.results.get(msg.seq);
        if (d === undefined) {
          this.o.onFault({ peer: 0, detail: `rank 0 sent a result for op #${msg.seq}, which this rank has not started`, origin: this.o.rank });
          return;
        }
        this.results.delete(msg.seq);
        d.resolve(msg.v);
        break;
      }
      case 'abort':
        this.o.onFault({ peer: msg.peer, detail: msg.detail, origin: msg.origin });
        break;
    }
  }
}
