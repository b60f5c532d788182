import { createServer } from 'node:net';

/**
 * A TCP port the kernel says is free on `host` now (bind port 0, read it, close). Nothing holds
 * it afterwards, so another process may still take it before it is used.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return listenThenClose(0, host);
}

/**
 * Binds `port` on `host` (every address when undefined) and closes it again; resolves with the
 * bound port, or rejects with the bind's error (code EADDRINUSE when the port is taken).
 */
export function listenThenClose(port: number, host: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      server.close(() => resolve(bound));
    });
  });
}
