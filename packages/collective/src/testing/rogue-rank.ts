// A fake rank 1 of a group of 2: it registers and links the ring like a real rank, then sends rank
// 0 one corrupted allreduce frame (RWP_TEST_ROGUE says how) and waits for the group's abort.
import { hostname } from 'node:os';
import { MemberControl } from '../control-member.js';
import { encodeHeader, FrameKind, type FrameHeader } from '../frame.js';
import { resolveProcessGroup } from '../process-group-env.js';
import { runIdHash } from '../run-id.js';
import { ROGUE_TARGET_LENGTH } from './data.js';
import { controlClientSocket, newContext, ringInSocket, ringOutSocket } from '../zmq-sockets.js';

function say(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
}

const pg = resolveProcessGroup();
const context = newContext();
const ringIn = ringInSocket(context);
const ringOut = ringOutSocket(context, pg.timeoutMs);
const dealer = controlClientSocket(context, `rogue-${process.pid}`, pg.timeoutMs);
const shutdown = (code: number) => {
  for (const s of [ringIn, ringOut, dealer]) s.close();
  process.exit(code);
};
const plane = new MemberControl(dealer, {
  rank: pg.rank,
  onFault: (f) => {
    say('aborted', { peer: f.peer, detail: f.detail });
    shutdown(0);
  },
});
plane.start();
await ringIn.bind('tcp://127.0.0.1:*');
dealer.connect(`tcp://${pg.masterAddr}:${pg.masterPort}`);
plane.hello(pg.runId, pg.worldSize, { rank: pg.rank, host: hostname(), hostKey: 'rogue', pid: process.pid, ipc: null, tcp: ringIn.lastEndpoint });
const peers = await plane.waitWelcome();
ringOut.connect(peers[0].tcp!);
const runHash = runIdHash(pg.runId);
await ringOut.send([encodeHeader({ runHash, seq: 0, kind: FrameKind.Link, sender: pg.rank, step: 0, total: pg.worldSize, offset: 0, count: 0 })]);
await ringIn.receive();
plane.ready();
await plane.waitGo();

const good: FrameHeader = { runHash, seq: 1, kind: FrameKind.AllreduceSum, sender: pg.rank, step: 0, total: ROGUE_TARGET_LENGTH, offset: 500, count: 500 };
const payload = new Float32Array(500).fill(1);
const mode = process.env.RWP_TEST_ROGUE;
const frames: Record<string, () => Array<Buffer | Float32Array>> = {
  seq: () => [encodeHeader({ ...good, seq: 7 }), payload],
  run: () => [encodeHeader({ ...good, runHash: runIdHash('some-other-run') }), payload],
  kind: () => [encodeHeader({ ...good, kind: FrameKind.AllreduceMean }), payload],
  offset: () => [encodeHeader({ ...good, offset: 400 }), payload],
  length: () => [encodeHeader(good), payload.subarray(0, 499)],
  garbage: () => [Buffer.from('GET / HTTP/1.1\r\n\r\n')],
};
const frame = frames[mode ?? ''];
if (frame === undefined) throw new Error(`unknown RWP_TEST_ROGUE "${mode}"`);
await ringOut.send(frame());
say('sent');
