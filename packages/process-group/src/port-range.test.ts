import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataPortsFromEnv, parsePortRange, ProcessGroupEnvError } from './index.js';

test('port ranges: LO-HI or one port; bad ones say why', () => {
  assert.deepEqual(parsePortRange('40000-40031'), { first: 40000, last: 40031 });
  assert.deepEqual(parsePortRange(' 41000 '), { first: 41000, last: 41000 });
  assert.throws(() => parsePortRange('40031-40000'), /runs backwards/);
  assert.throws(() => parsePortRange('0-10'), /0 is not a port/);
  assert.throws(() => parsePortRange('40000-70000'), /70000 is not a port/);
  assert.throws(() => parsePortRange('40000:40010'), /expected LO-HI/);
});

test('RWP_DATA_PORTS: unset is null, a bad value names the variable', () => {
  assert.equal(dataPortsFromEnv({}), null);
  assert.deepEqual(dataPortsFromEnv({ RWP_DATA_PORTS: '5000-5003' }), { first: 5000, last: 5003 });
  assert.throws(
    () => dataPortsFromEnv({ RWP_DATA_PORTS: 'high' }),
    (e: unknown) => e instanceof ProcessGroupEnvError && e.variable === 'RWP_DATA_PORTS' && /expected LO-HI/.test(e.message),
  );
});
