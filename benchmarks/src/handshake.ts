// What the job token costs: the set-up of a 2-rank group in this process over TCP (rendezvous,
// one control connection, two ring links) with and without a token, interleaved; the HMAC of
// one proof; and, for the data path that is not encrypted, what AES-256-GCM and
// ChaCha20-Poly1305 would cost per byte on this CPU (1 MiB frames, as the ring sends).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { connect } from '@rwp/collective';
import { freePort, newNonce, proofOf } from '@rwp/process-group';

const REPS = Number(process.argv[2] ?? 100);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function groupSetupMs(token: string | null): Promise<number> {
  const port = await freePort();
  const opts = { worldSize: 2, masterAddr: '127.0.0.1', masterPort: port, runId: `hs-${port}`, transport: 'tcp' as const, timeoutMs: 20_000, jobToken: token };
  const t0 = performance.now();
  const comms = await Promise.all([connect({ ...opts, rank: 0 }), connect({ ...opts, rank: 1 })]);
  const ms = performance.now() - t0;
  await Promise.all(comms.map((c) => c.close()));
  return ms;
}

const with_: number[] = [];
const without: number[] = [];
for (let i = 0; i < REPS; i++) {
  with_.push(await groupSetupMs('bench-token'));
  without.push(await groupSetupMs(null));
}
const [a, b] = [newNonce(), newNonce()];
const n = 100_000;
let t0 = performance.now();
for (let i = 0; i < n; i++) proofOf('bench-token', 'ring', 'initiator', a, b);
const proofUs = ((performance.now() - t0) * 1000) / n;

const frame = randomBytes(1 << 20);
const cipherGBps: Record<string, number> = {};
for (const algo of ['aes-256-gcm', 'chacha20-poly1305'] as const) {
  const key = randomBytes(32);
  const frames = 256;
  t0 = performance.now();
  for (let i = 0; i < frames; i++) {
    const iv = randomBytes(12);
    // Both are AEAD ciphers with a 16-byte tag: the GCM overload types them.
    const aead = algo as 'aes-256-gcm';
    const c = createCipheriv(aead, key, iv, { authTagLength: 16 });
    const sealed = Buffer.concat([c.update(frame), c.final()]);
    const d = createDecipheriv(aead, key, iv, { authTagLength: 16 });
    d.setAuthTag(c.getAuthTag());
    d.update(sealed);
    d.final();
  }
  // Encrypting on the sender and decrypting on the receiver: the bytes a hop costs, one core.
  cipherGBps[algo] = (frames * frame.length) / ((performance.now() - t0) / 1000) / 1e9;
}
console.log(
  JSON.stringify({
    reps: REPS,
    group_setup_ms_median: { with_token: Math.round(median(with_) * 100) / 100, without_token: Math.round(median(without) * 100) / 100 },
    proof_us: Math.round(proofUs * 100) / 100,
    seal_and_open_gbps_one_core: Object.fromEntries(Object.entries(cipherGBps).map(([k, v]) => [k, Math.round(v * 100) / 100])),
  }),
);
