import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkGpuCount, deviceFor, planGpus } from './gpus.js';

const devicesFor = (spec: string, env: NodeJS.ProcessEnv, gpus: number, n: number, share = true) => {
  const plan = planGpus(spec, share, env, () => gpus);
  checkGpuCount(plan, n);
  return Array.from({ length: n }, (_, i) => deviceFor(plan, i));
};

test('--gpus auto gives each worker one of the launcher CUDA_VISIBLE_DEVICES, else of the nvidia-smi GPUs, else leaves it alone', () => {
  assert.deepEqual(devicesFor('auto', { CUDA_VISIBLE_DEVICES: '3,5' }, 8, 2, false), ['3', '5']);
  assert.deepEqual(devicesFor('auto', {}, 2, 2, false), ['0', '1']);
  assert.deepEqual(devicesFor('auto', {}, 0, 2, false), [undefined, undefined], 'no GPU: nothing is set, ranks share what there is');
  assert.deepEqual(devicesFor('auto', { CUDA_VISIBLE_DEVICES: '' }, 4, 2, false), [undefined, undefined], 'hidden GPUs stay hidden');
});

test('fewer GPUs than workers is an error naming the ranks left without one, unless sharing is allowed', () => {
  assert.throws(() => devicesFor('0,1', {}, 0, 4, false), {
    message: '--nproc 4 but 2 GPUs (0,1): local ranks 2-3 have none of its own; list one GPU per worker in --gpus, start fewer workers, or pass --share-gpus to deal the GPUs out in turn',
  });
  assert.throws(() => devicesFor('auto', {}, 1, 2, false), /--nproc 2 but 1 GPU \(0\): local rank 1 has none/);
  assert.deepEqual(devicesFor('auto', {}, 2, 4), ['0', '1', '0', '1'], '--share-gpus deals them out in turn');
});

test('--gpus none hides every GPU; a list of indices or UUIDs is dealt out in order; junk is refused', () => {
  assert.deepEqual(devicesFor('none', { CUDA_VISIBLE_DEVICES: '0' }, 4, 2, false), ['', '']);
  assert.deepEqual(devicesFor('2,GPU-ab12', {}, 0, 2, false), ['2', 'GPU-ab12']);
  assert.throws(() => planGpus('0;1'), /--gpus must be auto, none or a comma list/);
});
