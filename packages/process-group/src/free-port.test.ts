import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { freePort, listenThenClose } from './index.js';

test('freePort gives a port that can be bound at once', async () => {
  const port = await freePort();
  assert.ok(port > 0 && port < 65536);
  assert.equal(await listenThenClose(port, '127.0.0.1'), port);
});

test('listenThenClose rejects a taken port with EADDRINUSE', async (t) => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const { port } = server.address() as { port: number };
  await assert.rejects(listenThenClose(port, '127.0.0.1'), (e: NodeJS.ErrnoException) => e.code === 'EADDRINUSE');
});
