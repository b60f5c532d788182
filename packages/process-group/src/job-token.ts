import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readString } from './env/env-values.js';
import { WORKER_ENV } from './env/names.js';

// The job's secret (RWP_JOB_TOKEN) and the challenge-response every connection of a job runs with
// it: each side sends a fresh nonce and proves the token with an HMAC over both nonces, so the
// token never crosses the wire and a recorded proof is worthless for another connection.

export const NONCE_BYTES = 32;
export const PROOF_BYTES = 32;

/** Who computes a proof: the side that opened the connection, or the side that accepted it. */
export type ProofRole = 'initiator' | 'responder';

/** RWP_JOB_TOKEN, or null when it is unset or empty. */
export function jobTokenFromEnv(env: NodeJS.ProcessEnv = process.env): string | null {
  return readString(env, WORKER_ENV.jobToken) ?? null;
}

/** A random token for a job whose launcher hands it to every worker itself. */
export function newJobToken(): string {
  return randomBytes(32).toString('hex');
}

export function newNonce(): Buffer {
  return randomBytes(NONCE_BYTES);
}

/**
 * HMAC-SHA256 keyed by the token over the channel (`context`, e.g. "ring"), the role and both
 * nonces, the prover's peer's first: the two sides' proofs differ, so one cannot be reflected
 * back as the other.
 */
export function proofOf(token: string, context: string, role: ProofRole, peerNonce: Uint8Array, ownNonce: Uint8Array): Buffer {
  return createHmac('sha256', token).update(`rwp ${context} ${role}\0`).update(peerNonce).update(ownNonce).digest();
}

/** Constant-time comparison of a received proof with the expected one. */
export function proofMatches(expected: Buffer, got: Uint8Array): boolean {
  return got.length === expected.length && timingSafeEqual(expected, got);
}
