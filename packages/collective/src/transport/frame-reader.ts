import { checkHeader, decodeHeader, FrameError, HEADER_BYTES, payloadBytes, type FrameHeader } from './frame.js';
import { deferred, type Deferred } from '../base/deferred.js';

/** Largest read into the staging buffer, used only for the first read after a pause. */
const STAGING_BYTES = 64 * 1024;

interface Expectation {
  want: FrameHeader;
  /** Where the payload lands: its final place in the caller's array, or a scratch buffer. */
  dest: () => Uint8Array;
  arrived: Deferred<Uint8Array>;
}

/** The frame being read: its header is in, its payload is landing. */
interface Current {
  exp: Expectation | null;
  bytes: number;
  dest: Uint8Array | null;
  got: number;
}

/**
 * Parses the frames of one ring link straight off the socket. Each read lands where the bytes
 * belong (the header buffer, or the payload's destination), so no received byte is copied in
 * JavaScript and no memory is allocated per frame. Ops register the frames they expect, in order;
 * when a frame arrives that no op expects yet, reading pauses (pushing back on the sender) until
 * one does, and the first read after that goes through a small staging buffer.
 */
export class FrameReader {
  private readonly queue: Expectation[] = [];
  private readonly header = Buffer.alloc(HEADER_BYTES);
  private headerGot = 0;
  private cur: Current | null = null;
  private readonly staging = Buffer.allocUnsafe(STAGING_BYTES);
  /** The buffer the next read goes into, and whether it is (a view of) the staging buffer. */
  private target: Uint8Array = this.header;
  private targetStaged = false;
  /** Whether the last read went into the staging buffer. */
  private landedStaged = false;
  private paused = false;
  private error: Error | null = null;
  /** The op (sequence number) of the last frame header read, for timeout messages; null before any. */
  lastSeq: number | null = null;
  /** Resumes reading; set once the socket exists. */
  resume: () => void = () => undefined;

  /** `onBadFrame` hears of a frame error at once, even when no op is waiting. */
  constructor(private readonly runId: string, private readonly onBadFrame: (e: FrameError) => void) {}

  /** The `onread` option for net.connect(). */
  readonly onread = {
    buffer: (): Uint8Array => {
      this.landedStaged = this.targetStaged;
      return this.target;
    },
    callback: (n: number): boolean => this.consume(n),
  };

  /** The payload of the next expected frame once it has landed (empty for frames without one). */
  expect(want: FrameHeader, dest: () => Uint8Array): Promise<Uint8Array> {
    const exp: Expectation = { want, dest, arrived: deferred<Uint8Array>() };
    if (this.error !== null) {
      exp.arrived.reject(this.error);
      return exp.arrived.promise;
    }
    this.queue.push(exp);
    if (this.cur !== null && this.cur.exp === null && this.queue.length === 1) {
      // A header was waiting for this expectation.
      this.adopt(exp);
      if (this.error === null && this.paused) {
        // The read already set up goes into staging; consume() moves those bytes to their place.
        this.paused = false;
        this.resume();
      }
    }
    return exp.arrived.promise;
  }

  /** Rejects every pending and later expectation. */
  fail(error: Error): void {
    if (this.error !== null) return;
    this.error = error;
    for (const e of this.queue.splice(0)) e.arrived.reject(error);
    if (error instanceof FrameError) this.onBadFrame(error);
  }

  private consume(n: number): boolean {
    if (this.error !== null) return false;
    try {
      if (this.landedStaged) {
        // Staging was sized to the bytes left in the part being read when reading paused.
        const bytes = this.staging.subarray(0, n);
        if (this.cur === null) this.header.set(bytes, this.headerGot);
        else this.cur.dest!.set(bytes, this.cur.got);
      }
      this.advance(n);
    } catch (e) {
      this.fail(e as Error);
      return false;
    }
    if (this.error !== null) return false;
    if (this.cur !== null && this.cur.exp === null) {
      // Nobody expects this frame yet: stop reading until someone does.
      this.paused = true;
      this.target = this.staging.subarray(0, Math.max(1, Math.min(STAGING_BYTES, this.cur.bytes - this.cur.got)));
      this.targetStaged = true;
      return false;
    }
    this.target = this.nextTarget();
    this.targetStaged = false;
    return true;
  }

  private advance(n: number): void {
    const cur = this.cur;
    if (cur === null) {
      this.headerGot += n;
      if (this.headerGot === HEADER_BYTES) this.onHeader();
      return;
    }
    cur.got += n;
    if (cur.got === cur.bytes) this.onPayload();
  }

  private onHeader(): void {
    this.headerGot = 0;
    const fields = decodeHeader(this.header);
    if (fields === null) {
      throw new FrameError(`not an rwp frame: starts with 0x${this.header.subarray(0, 8).toString('hex')}`);
    }
    this.lastSeq = fields.seq;
    this.cur = { exp: null, bytes: payloadBytes(fields), dest: null, got: 0 };
    const exp = this.queue[0];
    if (exp !== undefined) this.adopt(exp);
  }

  /** Matches the waiting header with the first expectation; frames without payload end here. */
  private adopt(exp: Expectation): void {
    const cur = this.cur!;
    try {
      checkHeader(this.header, exp.want, this.runId);
    } catch (e) {
      this.fail(e as Error);
      return;
    }
    cur.exp = exp;
    cur.bytes = payloadBytes(exp.want);
    if (cur.bytes === 0) this.onPayload();
    else cur.dest = exp.dest();
  }

  private onPayload(): void {
    const cur = this.cur!;
    this.cur = null;
    this.queue.shift();
    cur.exp!.arrived.resolve(cur.dest ?? new Uint8Array(0));
  }

  private nextTarget(): Uint8Array {
    const cur = this.cur;
    if (cur === null) return this.header.subarray(this.headerGot);
    return cur.dest!.subarray(cur.got);
  }
}
