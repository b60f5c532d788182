import { test } from 'node:test';
import assert from 'node:assert/strict';
import { portableExp, portableLog } from './portable-math.js';

const ULP = 2 ** -52;

test('portableExp is within a few ulps of e^a where the sampler uses it, and beyond', () => {
  const s = [0, -1e-12, -0.5, -1, -Math.LN2, -5.9, -30, -700, 0.3, 1, 40];
  for (let i = 0; i < 20_000; i++) s.push(-6 * (i / 20_000));
  for (const a of s) {
    const want = Math.exp(a);
    assert.ok(Math.abs(portableExp(a) / want - 1) <= 4 * ULP, `exp(${a}): ${portableExp(a)} vs ${want}`);
  }
  assert.equal(portableExp(0), 1);
  assert.equal(portableExp(-1e10), 0);
  assert.equal(portableExp(1e10), Infinity);
  assert.equal(portableExp(-745.5), Math.exp(-745.5));
});

test('portableLog is within a few ulps of ln y on [2^-32, 1] and beyond', () => {
  const s = [1, 2 ** -32, 0.5, 0.7071067811865476, 1 - 2 ** -32, 2, 1e10, 1e-300];
  for (let i = 1; i <= 20_000; i++) s.push(i / 20_000, 2 ** (-32 * (i / 20_000)));
  for (const y of s) {
    const want = Math.log(y);
    const got = portableLog(y);
    assert.ok(Math.abs(got - want) <= 4 * ULP * Math.max(Math.abs(want), 1e-300) + 4 * Number.MIN_VALUE, `log(${y}): ${got} vs ${want}`);
  }
  assert.equal(portableLog(1), 0);
});
