import { test } from 'node:test';
import assert from 'node:assert/strict';
import { streamFor } from './index.js';

test('the same key gives the same numbers; a different key different ones', () => {
  const a = streamFor(7, 'noise', 3, 1);
  const b = streamFor(7, 'noise', 3, 1);
  const c = streamFor(7, 'noise', 3, 2);
  const xa = Array.from({ length: 100 }, () => a.nextUint32());
  const xb = Array.from({ length: 100 }, () => b.nextUint32());
  const xc = Array.from({ length: 100 }, () => c.nextUint32());
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, xc);
  assert.notDeepEqual(streamFor('ab').uniform(), streamFor('a', 'b').uniform());
});

test('uniform and normal have the right moments', () => {
  const s = streamFor(1, 'moments');
  const n = 200_000;
  let su = 0;
  let sn = 0;
  let sn2 = 0;
  for (let i = 0; i < n; i++) {
    const u = s.uniform();
    assert.ok(u >= 0 && u < 1);
    su += u;
    const z = s.normal();
    sn += z;
    sn2 += z * z;
  }
  assert.ok(Math.abs(su / n - 0.5) < 0.005, `uniform mean ${su / n}`);
  assert.ok(Math.abs(sn / n) < 0.01, `normal mean ${sn / n}`);
  assert.ok(Math.abs(sn2 / n - 1) < 0.02, `normal variance ${sn2 / n}`);
});

test('permutation holds every index once', () => {
  const p = streamFor(3, 'perm').permutation(1000);
  const sorted = Array.from(p).sort((x, y) => x - y);
  assert.deepEqual(sorted, Array.from({ length: 1000 }, (_, i) => i));
  assert.notDeepEqual(Array.from(p.slice(0, 20)), sorted.slice(0, 20));
});

test('a key part that is not a non-negative integer is refused', () => {
  assert.throws(() => streamFor(-1), /non-negative integers/);
  assert.throws(() => streamFor(1.5), /non-negative integers/);
});

test('fillNormal gives exactly the numbers of normal(), rejections included, and leaves the stream where normal() would', () => {
  const n = 300_000; // ~1% of draws take the slow path: thousands of them, tail draws included
  const filled = streamFor(11, 'noise', 5, 1);
  const one = streamFor(11, 'noise', 5, 1);
  const out = filled.fillNormal(new Float32Array(n), 0.25);
  let tails = 0;
  for (let i = 0; i < n; i++) {
    const z = one.normal();
    if (Math.abs(z) > 3.442619855899) tails++;
    assert.equal(out[i], Math.fround(z * 0.25), `draw ${i}`);
  }
  assert.ok(tails > 50, `only ${tails} tail draws`);
  assert.equal(filled.nextUint32(), one.nextUint32());
});
