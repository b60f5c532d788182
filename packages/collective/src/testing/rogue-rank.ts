// A fake rank 1 of a group of 2: it registers and links the ring like a real rank, then sends rank
// 0 one corrupted allreduce frame (RWP_TEST_ROGUE says how) and waits for the group's abort.
import { connect as netConnect, createServer, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { jobTokenFromEnv, resolveProcessGroup, runIdHash } from '@rwp/process-group';
import { MemberControl } from '../control/control-member.js';
import { encodeHeader, FrameKind, HEADER_BYTES, type FrameHeader } from '../transport/frame.js';
import { parseUrl } from '../transport/ring-links.js';
import { controlClientSocket, newContext } from '../control/zmq-sockets.js';
import { ROGUE_TARGET_LENGTH } from './data.js';

function say(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
}

/** Resolves once `n` bytes have arrived on the socket. */
function readBytes(socket: Socket, n: number): Promise<Buffer> {
  return new Promise((resolve) => {
    let got = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (got.length >= n) {
        socket.off('data', onData);
        resolve(got);
      }
    };
    socket.on('data', onData);
  });
}

const pg = resolveProcessGroup();
const runHash = runIdHash(pg.runId);
const link = encodeHeader({ runHash, seq: 0, kind: FrameKind.Link, sender: pg.rank, step: 0, total: pg.worldSize, offset: 0, count: 0 });
const dealer = controlClientSocket(newContext(), `rogue-${process.pid}`, pg.timeoutMs);
const plane = new MemberControl(dealer, {
  rank: pg.rank,
  token: jobTokenFromEnv(),
  onFault: (f) => {
    say('aborted', { peer: f.peer, detail: f.detail });
    dealer.close();
    process.exit(0);
  },
});
plane.start();

// Rank 0 connects here to receive from us; answer its link frame with ours.
let toRank0!: (s: Socket) => void;
const rank0Linked = new Promise<Socket>((resolve) => {
  toRank0 = resolve;
});
const server = createServer((socket) => {
  socket.on('error', () => undefined); // rank 0 resets the link when it gives up
  void readBytes(socket, HEADER_BYTES).then(() => {
    socket.write(link);
    toRank0(socket);
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as { port: number };

dealer.connect(`tcp://${pg.masterAddr}:${pg.masterPort}`);
plane.hello(pg.runId, pg.worldSize, { rank: pg.rank, host: hostname(), hostKey: 'rogue', pid: process.pid, ipc: null, tcp: `tcp://127.0.0.1:${port}` });
const peers = await plane.waitWelcome();
const fromRank0 = netConnect(parseUrl(peers[0].tcp!) as { host: string; port: number });
fromRank0.on('error', () => undefined);
fromRank0.write(link);
await readBytes(fromRank0, HEADER_BYTES);
const socket = await rank0Linked;
plane.ready(false);
await plane.waitGo();

const good: FrameHeader = { runHash, seq: 1, kind: FrameKind.AllreduceSum, sender: pg.rank, step: 0, total: ROGUE_TARGET_LENGTH, offset: 500, count: 500 };
const payload = Buffer.from(new Float32Array(500).fill(1).buffer);
const frames: Record<string, () => Buffer[]> = {
  seq: () => [encodeHeader({ ...good, seq: 7 }), payload],
  run: () => [encodeHeader({ ...good, runHash: runIdHash('some-other-run') }), payload],
  kind: () => [encodeHeader({ ...good, kind: FrameKind.AllreduceMean }), payload],
  offset: () => [encodeHeader({ ...good, offset: 400 }), payload],
  count: () => [encodeHeader({ ...good, count: 499 }), payload.subarray(0, 499 * 4)],
  garbage: () => [Buffer.from('GET / HTTP/1.1\r\nHost: rank-0\r\nAccept: */*\r\n\r\n')],
};
const frame = frames[process.env.RWP_TEST_ROGUE ?? ''];
if (frame === undefined) throw new Error(`unknown RWP_TEST_ROGUE "${process.env.RWP_TEST_ROGUE}"`);
for (const part of frame()) socket.write(part);
say('sent');
