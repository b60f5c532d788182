import { test } from 'node:test';
import assert from 'node:assert/strict';
import { streamFor } from '@rwp/random';
import { filterNorms, filterwiseNoise } from './perturbation.js';

const normals = (n: number, ...key: Array<number | string>) => streamFor(...key).fillNormal(new Float32Array(n));
import { sgdUpdate } from './sgd.js';
import { lrAt } from './schedule.js';
import { samPerturbation } from './sam.js';
import { isPerturbed, lossScale, perturbedCount } from './roles.js';

test('filter norms run over every axis but the last (tfjs stores the output axis last)', () => {
  // a 1x1 conv kernel [kh=1, kw=1, in=2, out=3]: filter j is elements (0,0,0,j) and (0,0,1,j)
  const w = new Float32Array([1, 0, 3, 2, 0, 4]);
  assert.deepEqual(Array.from(filterNorms(w, [1, 1, 2, 3])), [Math.sqrt(5), 0, 5]);
});

test('filter-wise noise has std gamma * ||W_j|| per output filter', () => {
  const inDim = 400;
  const out = 3;
  const w = new Float32Array(inDim * out);
  const scales = [1, 10, 0];
  for (let i = 0; i < w.length; i++) w[i] = scales[i % out] / Math.sqrt(inDim);
  const gamma = 0.1;
  const eps = filterwiseNoise(w, [inDim, out], gamma, normals(w.length, 1, 'noise'));
  for (let j = 0; j < out; j++) {
    let sq = 0;
    for (let i = j; i < w.length; i += out) sq += eps[i] * eps[i];
    const std = Math.sqrt(sq / inDim);
    const want = gamma * scales[j];
    assert.ok(Math.abs(std - want) <= 0.12 * want + 1e-12, `filter ${j}: std ${std}, want ${want}`);
  }
});

test('vector noise uses one norm for the whole vector, and is deterministic per stream', () => {
  const b = new Float32Array([3, 4]);
  const e1 = filterwiseNoise(b, [2], 0.5, normals(2, 2, 'x'));
  const e2 = filterwiseNoise(b, [2], 0.5, normals(2, 2, 'x'));
  assert.deepEqual(e1, e2);
  const r = streamFor(2, 'x');
  assert.ok(Math.abs(e1[0] - r.normal() * 2.5) < 1e-6);
  const zero = filterwiseNoise(new Float32Array(4), [4], 0.5, normals(4, 3));
  assert.ok(zero.every((v) => Math.abs(v) < 1e-15));
});

test('sgdUpdate follows PyTorch: coupled weight decay, buf = g on the first step, then momentum', () => {
  const w = new Float32Array([1, -2]);
  const buf = new Float32Array(2);
  const h = { lr: 0.1, momentum: 0.9, weightDecay: 0.01 };
  sgdUpdate(w, new Float32Array([0.5, 1]), buf, h, true);
  // d = g + wd*w = [0.51, 0.98]; buf = d; w = w - lr*d
  assert.ok(Math.abs(buf[0] - 0.51) < 1e-6 && Math.abs(buf[1] - 0.98) < 1e-6);
  assert.ok(Math.abs(w[0] - 0.949) < 1e-6 && Math.abs(w[1] + 2.098) < 1e-6);
  sgdUpdate(w, new Float32Array([0, 0]), buf, h, false);
  // d = wd*w; buf = 0.9*buf + d
  const b0 = 0.9 * 0.51 + 0.01 * 0.949;
  assert.ok(Math.abs(buf[0] - b0) < 1e-6);
  assert.ok(Math.abs(w[0] - (0.949 - 0.1 * b0)) < 1e-6);
});

test('schedules: cosine per epoch, step x0.1 at 50% and 75%, linear warm-up', () => {
  const cos = { kind: 'cosine' as const, lr: 0.1, epochs: 4, warmupEpochs: 0 };
  assert.equal(lrAt(cos, 0), 0.1);
  assert.ok(Math.abs(lrAt(cos, 2) - 0.05) < 1e-12);
  assert.ok(lrAt(cos, 3) < lrAt(cos, 2));
  const step = { kind: 'step' as const, lr: 1, epochs: 8, warmupEpochs: 0 };
  assert.deepEqual([0, 3, 4, 5, 6, 7].map((e) => lrAt(step, e)), [1, 1, 0.1, 0.1, 0.01, 0.01]);
  const warm = { kind: 'constant' as const, lr: 0.3, epochs: 5, warmupEpochs: 2 };
  assert.deepEqual([0, 1, 2].map((e) => +lrAt(warm, e).toFixed(6)), [0.1, 0.2, 0.3]);
});

test('SAM ascent step has norm rho (plain) and follows T^2 g for the adaptive variant', () => {
  const g = new Float32Array([3, 4]);
  const w = new Float32Array([2, 1]);
  const e = samPerturbation(w, g, 0.05, false);
  assert.ok(Math.abs(Math.hypot(e[0], e[1]) - 0.05) < 1e-7);
  const a = samPerturbation(w, g, 0.05, true);
  // T g = [6, 4]; e = rho * [4*3, 1*4] / ||[6,4]||
  const n = Math.hypot(6, 4);
  assert.ok(Math.abs(a[0] - (0.05 * 12) / n) < 1e-7 && Math.abs(a[1] - (0.05 * 4) / n) < 1e-7);
});

test('roles: odd ranks perturbed by default; scaled mean mixes alpha and 1 - alpha', () => {
  for (const [w, p] of [[2, null], [4, null], [5, null], [4, 3], [3, 2], [8, 2]] as const) {
    const spec = { worldSize: w, perturbedRanks: p, alpha: 0.3 };
    const count = perturbedCount(spec);
    const ranks = Array.from({ length: w }, (_, r) => r);
    assert.equal(ranks.filter((r) => isPerturbed(r, spec)).length, count, `w=${w} p=${p}`);
    assert.equal(isPerturbed(0, spec), false, 'rank 0 stays clean (its BatchNorm statistics are kept)');
    // mean over ranks of scale * g_role = alpha * g_pert + (1 - alpha) * g_clean with g_pert = 1, g_clean = 0
    const pertShare = ranks.reduce((s, r) => s + (isPerturbed(r, spec) ? lossScale(r, spec) : 0), 0) / w;
    const cleanShare = ranks.reduce((s, r) => s + (isPerturbed(r, spec) ? 0 : lossScale(r, spec)), 0) / w;
    assert.ok(Math.abs(pertShare - 0.3) < 1e-12 && Math.abs(cleanShare - 0.7) < 1e-12);
  }
  assert.deepEqual([0, 1].map((r) => lossScale(r, { worldSize: 2, perturbedRanks: null, alpha: 0.5 })), [1, 1]);
  assert.throws(() => perturbedCount({ worldSize: 4, perturbedRanks: 4 }), /between 1 and 3/);
});
