import { NONCE_BYTES, newNonce, PROOF_BYTES, proofMatches, proofOf } from '@rwp/process-group';

// The job token's challenge-response on the control plane, in raw messages that are checked by
// length and magic alone, so nothing a stranger sends reaches msgpack:
//   member -> rank 0: request(member nonce)
//   rank 0 -> member: challenge(rank 0 nonce, rank 0's proof)
//   member -> rank 0: proof(member's proof), then its msgpack hello
// Rank 0 proves itself first, so a member also learns whether it reached a rank 0 of its job.

const CONTEXT = 'control';
const REQUEST = Buffer.from('RWPa');
const CHALLENGE = Buffer.from('RWPb');
const PROOF = Buffer.from('RWPc');
const MAGIC_BYTES = 4;

function message(magic: Buffer, ...parts: Uint8Array[]): Buffer {
  return Buffer.concat([magic, ...parts]);
}

function body(msg: Buffer, magic: Buffer, bytes: number): Buffer | null {
  return msg.length === MAGIC_BYTES + bytes && msg.subarray(0, MAGIC_BYTES).equals(magic) ? msg.subarray(MAGIC_BYTES) : null;
}

/** Whether a message is one of the challenge-response's, whatever its state: a token-less rank 0 refuses these. */
export function isAuthMessage(msg: Buffer): boolean {
  const magic = msg.subarray(0, MAGIC_BYTES);
  return magic.equals(REQUEST) || magic.equals(CHALLENGE) || magic.equals(PROOF);
}

/** A member's side: opens with a request and checks rank 0's proof. */
export class MemberAuth {
  private readonly nonce = newNonce();

  constructor(private readonly token: string) {}

  request(): Buffer {
    return message(REQUEST, this.nonce);
  }

  /**
   * Rank 0's challenge: the proof message to send back (sent even when rank 0's own proof is wrong,
   * so that rank 0 can log the refusal), and whether rank 0 proved the token. Null when `msg` is
   * not a challenge.
   */
  answer(msg: Buffer): { proof: Buffer; rootProved: boolean } | null {
    const b = body(msg, CHALLENGE, NONCE_BYTES + PROOF_BYTES);
    if (b === null) return null;
    const rootNonce = b.subarray(0, NONCE_BYTES);
    const rootProved = proofMatches(proofOf(this.token, CONTEXT, 'responder', this.nonce, rootNonce), b.subarray(NONCE_BYTES));
    return { proof: message(PROOF, proofOf(this.token, CONTEXT, 'initiator', rootNonce, this.nonce)), rootProved };
  }
}

/** Rank 0's side, per connection (routing id) until it has proven the token. */
export class RootAuth {
  private readonly pending = new Map<string, { own: Buffer; peer: Buffer }>();

  constructor(private readonly token: string) {}

  /**
   * One message from a connection that has not proven the token yet: a challenge to send back, 'ok'
   * once its proof is right, or why it is refused.
   */
  step(id: Buffer, msg: Buffer): { reply: Buffer } | 'ok' | { refused: string } {
    const key = id.toString('hex');
    const request = body(msg, REQUEST, NONCE_BYTES);
    if (request !== null) {
      const own = newNonce();
      this.pending.set(key, { own, peer: Buffer.from(request) });
      return { reply: message(CHALLENGE, own, proofOf(this.token, CONTEXT, 'responder', request, own)) };
    }
    const nonces = this.pending.get(key);
    const proof = body(msg, PROOF, PROOF_BYTES);
    if (nonces === undefined || proof === null) return { refused: 'it sent a control message without proving the job token (is RWP_JOB_TOKEN unset there?)' };
    this.pending.delete(key);
    return proofMatches(proofOf(this.token, CONTEXT, 'initiator', nonces.own, nonces.peer), proof) ? 'ok' : { refused: 'it does not hold the job token (RWP_JOB_TOKEN differs)' };
  }
}
