import type { Socket } from 'node:net';
import { Incoming, NONCE_BYTES, newNonce, PROOF_BYTES, proofMatches, proofOf } from '@rwp/process-group';

// The launchers' channel proves the job token like every connection of the job (see
// @rwp/process-group's proofOf), in fixed-size binary messages read before any line is parsed:
//   node k -> node 0: REQUEST(nonce)   node 0 -> node k: CHALLENGE(nonce, proof)   node k -> node 0: PROOF(proof)
// Without a token (--unauthenticated) the key is empty: the exchange still runs, so both ends
// agree on whether there is one.

const CONTEXT = 'launchers';

/** How long either side may take to prove the token (and, for node k, to say which node it is). */
export const GREETING_MS = 10_000;
const REQUEST = Buffer.from('RWPl');
const CHALLENGE = Buffer.from('RWPm');
const PROOF = Buffer.from('RWPn');
const MAGIC = 4;

function has(msg: Buffer, magic: Buffer): boolean {
  return msg.subarray(0, MAGIC).equals(magic);
}

/** Node k's side. Resolves with the bytes that followed, or rejects saying why node 0 is not trusted. */
export async function proveToCoordinator(socket: Socket, token: string | null): Promise<Buffer> {
  const key = token ?? '';
  const incoming = new Incoming(socket);
  const nonce = newNonce();
  socket.write(Buffer.concat([REQUEST, nonce]));
  const challenge = await incoming.read(MAGIC + NONCE_BYTES + PROOF_BYTES);
  const theirs = challenge.subarray(MAGIC, MAGIC + NONCE_BYTES);
  socket.write(Buffer.concat([PROOF, proofOf(key, CONTEXT, 'initiator', theirs, nonce)]));
  if (!has(challenge, CHALLENGE) || !proofMatches(proofOf(key, CONTEXT, 'responder', nonce, theirs), challenge.subarray(MAGIC + NONCE_BYTES))) {
    throw new Error('it did not prove this job token: --token-file / RWP_JOB_TOKEN differ between the hosts (or one is --unauthenticated)');
  }
  return incoming.detach();
}

/** Node 0's side: the bytes that followed once node k has proven the token, else why it is refused. */
export async function checkFollower(socket: Socket, token: string | null): Promise<{ rest: Buffer } | { refused: string }> {
  const key = token ?? '';
  const incoming = new Incoming(socket);
  const request = await incoming.read(MAGIC + NONCE_BYTES);
  if (!has(request, REQUEST)) {
    incoming.detach();
    return { refused: 'it is not an rwp-launch of this version' };
  }
  const theirs = request.subarray(MAGIC);
  const nonce = newNonce();
  socket.write(Buffer.concat([CHALLENGE, nonce, proofOf(key, CONTEXT, 'responder', theirs, nonce)]));
  const proof = await incoming.read(MAGIC + PROOF_BYTES);
  const rest = incoming.detach();
  if (!has(proof, PROOF) || !proofMatches(proofOf(key, CONTEXT, 'initiator', nonce, theirs), proof.subarray(MAGIC))) {
    return { refused: 'it does not hold the job token (--token-file / RWP_JOB_TOKEN differ, or one side is --unauthenticated)' };
  }
  return { rest };
}
