// The frame reader on a real TCP connection in this process: frames that arrive before anyone
// expects them, frames split into single bytes, and a frame that is not the one expected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeHeader, FrameError, FrameKind, type FrameHeader } from './frame.js';
import { FrameReader } from './frame-reader.js';

const RUN = 'reader-test';
const base: FrameHeader = { runHash: 0x1234, seq: 1, kind: FrameKind.Broadcast, sender: 3, step: 0, total: 100, offset: 0, count: 0 };

function frame(offset: number, values: number[]): Buffer {
  return Buffer.concat([encodeHeader({ ...base, offset, count: values.length }), Buffer.from(new Float32Array(values).buffer)]);
}

/** A reader connected to a server that runs `send` on its end of the connection. */
async function withReader(send: (s: Socket) => Promise<void>, body: (r: FrameReader, errors: FrameError[]) => Promise<void>): Promise<void> {
  const server = createServer((s) => {
    s.on('error', () => undefined); // the reader side may close first
    void send(s).then(() => s.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const errors: FrameError[] = [];
  const reader = new FrameReader(RUN, (e) => errors.push(e));
  const { port } = server.address() as { port: number };
  const socket = connect({ host: '127.0.0.1', port, onread: reader.onread });
  reader.resume = () => socket.resume();
  socket.on('error', () => undefined);
  try {
    await body(reader, errors);
  } finally {
    socket.destroy();
    server.close();
  }
}

test('frames that arrive before they are expected wait, then land in place', { timeout: 30_000 }, async () => {
  const data = [frame(0, [1, 2, 3]), encodeHeader({ ...base, kind: FrameKind.BroadcastDone }), frame(3, [4, 5])];
  await withReader(
    async (s) => {
      s.write(Buffer.concat(data));
    },
    async (reader) => {
      await sleep(50); // everything is in this process's socket buffer by now
      const dest = new Float32Array(5);
      const bytes = (from: number, n: number) => new Uint8Array(dest.buffer, from * 4, n * 4);
      const a = reader.expect({ ...base, count: 3 }, () => bytes(0, 3));
      await sleep(20);
      const done = reader.expect({ ...base, kind: FrameKind.BroadcastDone }, () => new Uint8Array(0));
      const b = reader.expect({ ...base, offset: 3, count: 2 }, () => bytes(3, 2));
      await Promise.all([a, done, b]);
      assert.deepEqual([...dest], [1, 2, 3, 4, 5]);
    },
  );
});

test('a shared-memory notice carries no payload: the next frame follows its header', { timeout: 30_000 }, async () => {
  const notice = { ...base, kind: FrameKind.ShmReadySum, offset: 0, count: 50 };
  await withReader(
    async (s) => {
      s.write(Buffer.concat([encodeHeader(notice), frame(3, [4, 5])]));
    },
    async (reader, errors) => {
      const none = () => new Uint8Array(0);
      assert.equal((await reader.expect(notice, none)).length, 0);
      const dest = new Float32Array(2);
      await reader.expect({ ...base, offset: 3, count: 2 }, () => new Uint8Array(dest.buffer));
      assert.deepEqual([...dest], [4, 5]);
      assert.deepEqual(errors, []);
    },
  );
});

test('frames split into single bytes are put back together', { timeout: 30_000 }, async () => {
  const bytes = Buffer.concat([frame(0, [1.5, -2.25]), frame(2, [7])]);
  await withReader(
    async (s) => {
      for (const b of bytes) {
        s.write(Buffer.from([b]));
        await sleep(1);
      }
    },
    async (reader) => {
      const dest = new Float32Array(3);
      await Promise.all([
        reader.expect({ ...base, count: 2 }, () => new Uint8Array(dest.buffer, 0, 8)),
        reader.expect({ ...base, offset: 2, count: 1 }, () => new Uint8Array(dest.buffer, 8, 4)),
      ]);
      assert.deepEqual([...dest], [1.5, -2.25, 7]);
    },
  );
});

test('an unexpected frame rejects what is expected and is reported at once', { timeout: 30_000 }, async () => {
  await withReader(
    async (s) => {
      s.write(frame(0, [1]));
    },
    async (reader, errors) => {
      await assert.rejects(reader.expect({ ...base, seq: 2, count: 1 }, () => new Uint8Array(4)), /frame for op #1 \(broadcast\), expected op #2/);
      assert.equal(errors.length, 1);
      await assert.rejects(reader.expect({ ...base, count: 1 }, () => new Uint8Array(4)), FrameError);
    },
  );
});

test('garbage on a link is reported even when no op is waiting', { timeout: 30_000 }, async () => {
  await withReader(
    async (s) => {
      s.write('this is not a frame header, not at all');
    },
    async (_reader, errors) => {
      while (errors.length === 0) await sleep(5);
      assert.match(errors[0].message, /not an rwp frame/);
    },
  );
});
