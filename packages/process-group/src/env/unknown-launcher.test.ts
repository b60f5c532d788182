import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProcessGroupEnvError, resolveProcessGroup } from '../index.js';

test('a launch of several processes by a launcher rwp does not read is an error, never a world of one', () => {
  for (const env of [{ PMI_SIZE: '4', PMI_RANK: '0' }, { PMI_RANK: '2' }, { MV2_COMM_WORLD_SIZE: '2', MV2_COMM_WORLD_RANK: '0' }, { PMIX_RANK: '1' }, { MPI_LOCALNRANKS: '8' }]) {
    assert.throws(
      () => resolveProcessGroup(env),
      (e: unknown) => e instanceof ProcessGroupEnvError && Object.keys(env).includes(e.variable) && /one process of several/.test(e.message),
      JSON.stringify(env),
    );
  }
});

test('the same variables at their single-process values, or malformed, leave a single process', () => {
  for (const env of [{ PMI_SIZE: '1', PMI_RANK: '0' }, { PMIX_RANK: '0' }, { MV2_COMM_WORLD_SIZE: 'x' }]) {
    assert.equal(resolveProcessGroup(env).source, 'single', JSON.stringify(env));
  }
});
