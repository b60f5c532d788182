import type { Socket } from 'node:net';
import { NONCE_BYTES, PROOF_BYTES } from '@rwp/process-group';
import { encodeHeader, FrameKind, type FrameHeader } from './frame.js';
import type { LinkIdentity } from './link-identity.js';

// The job token's challenge-response on a ring link, as frames before the link frames:
//   connecting rank -> listener: challenge(its nonce)
//   listener -> connecting rank: challenge(its nonce), proof(over both)
//   connecting rank -> listener: proof(over both), link frame
//   listener -> connecting rank: link frame, then data
// Data flows from the listener to the rank that connected, so each side proves itself to the other:
// the listener hands over its link only to a rank of the job, and the receiver reads only a
// listener of the job.

/** The proofs' channel name (see proofOf). */
export const RING_CONTEXT = 'ring';

export function authHeader(id: LinkIdentity, kind: FrameKind.Challenge | FrameKind.Proof, sender: number): FrameHeader {
  const bytes = kind === FrameKind.Challenge ? NONCE_BYTES : PROOF_BYTES;
  return { runHash: id.runHash, seq: 0, kind, sender, step: 0, total: id.worldSize, offset: 0, count: bytes / 4 };
}

export function authFrame(id: LinkIdentity, kind: FrameKind.Challenge | FrameKind.Proof, payload: Uint8Array): Buffer {
  return Buffer.concat([encodeHeader(authHeader(id, kind, id.rank)), payload]);
}

/** Where a connection comes from, for the refusal log line. */
export function peerOf(socket: Socket): string {
  return socket.remoteAddress === undefined ? 'a process on this host (unix socket)' : `${socket.remoteAddress}:${socket.remotePort}`;
}
