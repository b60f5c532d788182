import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { sharedMemory, sharedMemoryMissing } from './index.js';

const shm = sharedMemory();
const name = () => `/rwp-test-${process.pid}-${randomBytes(4).toString('hex')}`;

test('the addon is built (scripts/setup.sh builds it)', () => {
  assert.ok(shm, sharedMemoryMissing());
});

test('a region written by one process is read by another, and by a second mapping here', { skip: !shm }, () => {
  const n = name();
  try {
    const a = new Float32Array(shm!.create(n, 1 << 20));
    assert.ok(a.every((v) => v === 0));
    for (let i = 0; i < a.length; i++) a[i] = i * 0.5;
    const code = `
      const shm = require(${JSON.stringify(new URL('../build/rwp_shm.node', import.meta.url).pathname)});
      const a = new Float32Array(shm.open(${JSON.stringify(n)}, 1 << 20));
      let ok = true;
      for (let i = 0; i < a.length; i++) if (a[i] !== i * 0.5) ok = false;
      a[7] = -1;
      process.stdout.write(ok ? 'same' : 'different');`;
    const child = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
    assert.equal(child.stdout, 'same', child.stderr);
    assert.equal(a[7], -1, "the other process's write is visible here");
    const b = new Float32Array(shm!.open(n, 1 << 20));
    b[9] = 42;
    assert.equal(a[9], 42);
  } finally {
    shm?.unlink(n);
  }
});

test('errors name the region and carry the errno name', { skip: !shm }, () => {
  const n = name();
  assert.throws(() => shm!.open(n, 4096), (e: NodeJS.ErrnoException) => e.code === 'ENOENT' && e.message.includes(n));
  shm!.create(n, 4096);
  try {
    assert.throws(() => shm!.create(n, 4096), (e: NodeJS.ErrnoException) => e.code === 'EEXIST');
    assert.throws(() => shm!.open(n, 8192), (e: NodeJS.ErrnoException) => e.code === 'ESIZE' && /4096 bytes, expected 8192/.test(e.message));
  } finally {
    assert.equal(shm!.unlink(n), true);
  }
  assert.equal(shm!.unlink(n), false);
  assert.throws(() => shm!.create(n, 0), TypeError);
  assert.throws(() => shm!.create('', 16), TypeError);
});

test('a region larger than /dev/shm can hold is ENOSPC at creation, not a crash on first touch', { skip: !shm }, () => {
  const n = name();
  assert.throws(() => shm!.create(n, 2 ** 50), (e: NodeJS.ErrnoException) => ['ENOSPC', 'EFBIG', 'ENOMEM'].includes(e.code ?? ''));
  assert.throws(() => shm!.open(n, 2 ** 50), (e: NodeJS.ErrnoException) => e.code === 'ENOENT', 'the failed region was removed');
});
