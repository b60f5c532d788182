import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProcessGroupEnvError, resolveProcessGroup } from '../index.js';

// What torch 1.13's elastic agent sets for worker 1 of 2 on one node (among others).
const AGENT = { RANK: '1', WORLD_SIZE: '2', LOCAL_RANK: '1', LOCAL_WORLD_SIZE: '2', GROUP_RANK: '0', MASTER_ADDR: '127.0.0.1', MASTER_PORT: '29733', TORCHELASTIC_RUN_ID: 'job7', TORCHELASTIC_USE_AGENT_STORE: 'True' };

test("under torchrun's agent the rendezvous takes the port after MASTER_PORT, which the agent's store holds", () => {
  const pg = resolveProcessGroup(AGENT);
  assert.deepEqual(
    { rank: pg.rank, worldSize: pg.worldSize, masterPort: pg.masterPort, runId: pg.runId, source: pg.source },
    { rank: 1, worldSize: 2, masterPort: 29734, runId: 'job7', source: 'torchrun' },
  );
});

test("rwp-launch's variables (no agent) keep MASTER_PORT itself", () => {
  const { TORCHELASTIC_USE_AGENT_STORE: _, ...launch } = AGENT;
  assert.equal(resolveProcessGroup(launch).masterPort, 29733);
  assert.equal(resolveProcessGroup(launch).source, 'launcher');
});

test('under the agent, a MASTER_PORT with no port after it is an error naming MASTER_PORT', () => {
  assert.throws(() => resolveProcessGroup({ ...AGENT, MASTER_PORT: '65535' }), (e: unknown) => e instanceof ProcessGroupEnvError && e.variable === 'MASTER_PORT');
});
