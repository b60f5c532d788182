import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commTimeoutFromEnv, cudaDevicesFromEnv, gpuFromEnv, hostAddrFromEnv, launchedByRwp, ProcessGroupEnvError, rankForLogs, sharedMemoryAllowed, threadsFromEnv } from '../index.js';

test("the launcher's settings for a worker, read by their variables", () => {
  const env = { RWP_LAUNCHED: '1', RWP_THREADS: '3', RWP_COMM_TIMEOUT_MS: '2500', RWP_SHM: '0', RWP_HOST_ADDR: ' 10.0.0.9 ', CUDA_VISIBLE_DEVICES: '', RWP_GPU: 'GPU-7' };
  assert.deepEqual(
    [launchedByRwp(env), threadsFromEnv(env), commTimeoutFromEnv(env), sharedMemoryAllowed(env), hostAddrFromEnv(env), cudaDevicesFromEnv(env), gpuFromEnv(env)],
    [true, 3, 2500, false, '10.0.0.9', '', 'GPU-7'],
  );
  assert.deepEqual(
    [launchedByRwp({}), threadsFromEnv({}), commTimeoutFromEnv({}), sharedMemoryAllowed({}), hostAddrFromEnv({ RWP_HOST_ADDR: '' }), cudaDevicesFromEnv({}), gpuFromEnv({ RWP_GPU: '' })],
    [false, undefined, undefined, true, undefined, undefined, undefined],
  );
});

test('a malformed thread count or timeout names its variable', () => {
  assert.throws(() => threadsFromEnv({ RWP_THREADS: '0' }), (e: unknown) => e instanceof ProcessGroupEnvError && e.variable === 'RWP_THREADS');
  assert.throws(() => commTimeoutFromEnv({ RWP_COMM_TIMEOUT_MS: '1.5' }), (e: unknown) => e instanceof ProcessGroupEnvError && e.variable === 'RWP_COMM_TIMEOUT_MS');
});

test('the rank for log lines comes from every source the group is resolved from', () => {
  assert.equal(rankForLogs({ RANK: '3', WORLD_SIZE: '4', MASTER_ADDR: 'h' }), 3);
  assert.equal(rankForLogs({ SLURM_PROCID: '1', SLURM_NTASKS: '2', SLURM_LOCALID: '1', SLURM_NTASKS_PER_NODE: '2', SLURM_JOB_NODELIST: 'n1' }), 1);
  assert.equal(rankForLogs({ JOB_COMPLETION_INDEX: '2', RWP_NNODES: '4', MASTER_ADDR: 'm' }), 2);
  assert.equal(rankForLogs({}), 0);
  // Malformed: 0, and resolveProcessGroup says why.
  assert.equal(rankForLogs({ RANK: 'x', WORLD_SIZE: '2' }), 0);
});
