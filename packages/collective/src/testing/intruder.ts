// A process that is not a rank of the job tries to get in while it runs: it joins the rendezvous
// as rank 1 with its RWP_JOB_TOKEN (a wrong one, or none), then connects to the ring listener at
// RWP_TEST_TARGET claiming to be that listener's right neighbour (RWP_TEST_SENDER) of run
// RWP_RUN_ID, speaking the ring's handshake with its token, or only a link frame without one.
// Prints what happened on each as JSON lines and exits 0.
import { connect as netConnect } from 'node:net';
import { jobTokenFromEnv, newNonce, proofOf, runIdHash } from '@rwp/process-group';
import { connect } from '../index.js';
import { encodeHeader, FrameKind, HEADER_BYTES } from '../transport/frame.js';
import { authFrame, RING_CONTEXT } from '../transport/link-auth.js';
import { linkHeader, type LinkIdentity } from '../transport/link-identity.js';
import { parseUrl } from '../transport/ring-links.js';

function say(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
}

const token = jobTokenFromEnv();
const env = process.env;
try {
  await connect({ rank: 1, worldSize: Number(env.WORLD_SIZE), masterAddr: env.MASTER_ADDR!, masterPort: Number(env.MASTER_PORT), runId: env.RWP_RUN_ID!, transport: 'tcp', timeoutMs: 10_000, jobToken: token });
  say('joined');
} catch (e) {
  say('rendezvous refused', { message: (e as Error).message });
}

const sender = Number(env.RWP_TEST_SENDER);
const id: LinkIdentity = { rank: sender, worldSize: Number(env.WORLD_SIZE), left: sender - 1, right: sender + 1, runId: env.RWP_RUN_ID!, runHash: runIdHash(env.RWP_RUN_ID!) };
const socket = netConnect(parseUrl(env.RWP_TEST_TARGET!) as { host: string; port: number });
socket.on('error', () => undefined);
if (token === null) {
  socket.write(encodeHeader(linkHeader(id, sender)));
} else {
  const nonce = newNonce();
  socket.write(authFrame(id, FrameKind.Challenge, nonce));
  let got = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    got = Buffer.concat([got, chunk]);
    // The listener's challenge frame: its nonce follows the header.
    if (got.length < HEADER_BYTES + 32 || got.length - chunk.length >= HEADER_BYTES + 32) return;
    const theirs = got.subarray(HEADER_BYTES, HEADER_BYTES + 32);
    socket.write(Buffer.concat([authFrame(id, FrameKind.Proof, proofOf(token, RING_CONTEXT, 'initiator', theirs, nonce)), encodeHeader(linkHeader(id, sender))]));
  });
}
await new Promise((resolve) => socket.once('close', resolve));
say('data port closed');
