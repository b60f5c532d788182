import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkGpu } from './gpu-check.js';

const dir = mkdtempSync(join(tmpdir(), 'rwp-gpu-check-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in nvidia-smi: a shell script with the given body. */
function fakeSmi(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const twoGpus = fakeSmi(
  'two-gpus',
  'echo "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-aaaa)"; echo "GPU 1: NVIDIA H100 80GB HBM3 (UUID: GPU-bbbb)"',
);

test('GPUs listed by nvidia-smi -L are visible', async () => {
  assert.deepEqual(await checkGpu({ CUDA_VISIBLE_DEVICES: '1' }, twoGpus), {
    visible: true,
    detail: `${twoGpus} -L lists 2 GPUs`,
  });
});

test('an empty CUDA_VISIBLE_DEVICES hides the GPUs without asking nvidia-smi', async () => {
  for (const value of ['', ' ', '-1']) {
    const r = await checkGpu({ CUDA_VISIBLE_DEVICES: value }, twoGpus);
    assert.deepEqual(r, { visible: false, detail: `no GPU visible (CUDA_VISIBLE_DEVICES="${value}")` });
  }
});

test('a missing or failing nvidia-smi means no GPU, with the reason', async () => {
  const missing = join(dir, 'absent-nvidia-smi');
  assert.deepEqual(await checkGpu({}, missing), { visible: false, detail: `no GPU visible (${missing} not found)` });
  const broken = fakeSmi('broken', 'echo "NVIDIA-SMI has failed because it could not communicate with the driver" >&2; exit 9');
  const r = await checkGpu({}, broken);
  assert.equal(r.visible, false);
  assert.match(r.detail, /-L failed: NVIDIA-SMI has failed because it could not communicate with the driver\)$/);
  const empty = fakeSmi('no-gpus', 'exit 0');
  assert.deepEqual(await checkGpu({}, empty), { visible: false, detail: `no GPU visible (${empty} -L lists none)` });
});
