import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { fixture, PROCESSES, runCli, scratch } from './testing/harness.js';

test('a --master-port already in use is refused before any worker starts', PROCESSES, async (t) => {
  const { config, runDir } = scratch(t);
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  const r = await runCli(t, ['--nproc', '2', '--master-port', String(address.port), '--run-dir', runDir, '--worker', fixture('report-env'), config]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`--master-port ${address.port} is already in use on this host; pick another or omit it to let rwp-launch choose`));
  assert.doesNotMatch(r.stdout, /started ranks/);
});
