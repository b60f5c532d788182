import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planGpus, visibleDevicesFor } from './gpus.js';

const devicesFor = (spec: string, env: NodeJS.ProcessEnv, gpus: number, n: number) => {
  const plan = planGpus(spec, env, () => gpus);
  return Array.from({ length: n }, (_, i) => visibleDevicesFor(plan, i));
};

test('--gpus auto deals out the launcher CUDA_VISIBLE_DEVICES, else nvidia-smi GPUs, else leaves it alone', () => {
  assert.deepEqual(devicesFor('auto', { CUDA_VISIBLE_DEVICES: '3,5' }, 8, 3), ['3', '5', '3']);
  assert.deepEqual(devicesFor('auto', {}, 2, 4), ['0', '1', '0', '1']);
  assert.deepEqual(devicesFor('auto', {}, 0, 2), [undefined, undefined]);
  assert.deepEqual(devicesFor('auto', { CUDA_VISIBLE_DEVICES: '' }, 4, 2), [undefined, undefined], 'hidden GPUs stay hidden');
});

test('--gpus none hides every GPU; a list is dealt out in turn; junk is refused', () => {
  assert.deepEqual(devicesFor('none', { CUDA_VISIBLE_DEVICES: '0' }, 4, 2), ['', '']);
  assert.deepEqual(devicesFor('2,GPU-ab12', {}, 0, 3), ['2', 'GPU-ab12', '2']);
  assert.throws(() => planGpus('0;1', {}), /--gpus must be auto, none or a comma list/);
});
