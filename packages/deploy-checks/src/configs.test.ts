import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { loadConfig } from '@rwp/trainer';
import { repoPath } from './repo.js';

const CONFIG_DIR = repoPath('configs');

test('every config under configs/ loads with the trainer own loader', () => {
  const files = readdirSync(CONFIG_DIR).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length >= 5);
  for (const f of files) assert.doesNotThrow(() => loadConfig(`${CONFIG_DIR}/${f}`, []), f);
});

test("the recipe configs carry the original's settings", () => {
  const cifar = { epochs: 200, augment: true, cutout: true };
  const expected: Record<string, { dataset: string; method: string; wd: number; gamma?: number; rho?: number; epochs: number; augment: boolean; cutout: boolean }> = {
    'cifar10-resnet18-rwp': { dataset: 'cifar10', method: 'rwp', wd: 1e-3, gamma: 0.01, ...cifar },
    'cifar100-resnet18-rwp': { dataset: 'cifar100', method: 'rwp', wd: 1e-3, gamma: 0.01, ...cifar },
    'cifar10-resnet18-sgd': { dataset: 'cifar10', method: 'sgd', wd: 5e-4, ...cifar },
    'cifar10-resnet18-sam': { dataset: 'cifar10', method: 'sam', wd: 5e-4, rho: 0.05, ...cifar },
    'imagenet-resnet18-rwp': { dataset: 'imagefolder', method: 'rwp', wd: 1e-4, gamma: 0.005, epochs: 90, augment: true, cutout: false },
  };
  for (const [name, e] of Object.entries(expected)) {
    const c = loadConfig(`${CONFIG_DIR}/${name}.yaml`, []);
    const what = `${name}.yaml`;
    assert.equal(c.model.arch, 'resnet18', what);
    assert.equal(c.data.dataset, e.dataset, what);
    assert.equal(c.data.batch_size, 256, what);
    assert.equal(c.data.augment, e.augment, what);
    assert.equal(c.data.cutout, e.cutout, what);
    assert.equal(c.method.name, e.method, what);
    if (e.gamma !== undefined) assert.deepEqual([c.method.gamma, c.method.alpha], [e.gamma, 0.5], what);
    if (e.rho !== undefined) assert.deepEqual([c.method.rho, c.method.adaptive], [e.rho, false], what);
    assert.deepEqual([c.optim.lr, c.optim.momentum, c.optim.weight_decay, c.optim.schedule], [0.1, 0.9, e.wd, 'cosine'], what);
    assert.equal(c.train.epochs, e.epochs, what);
    assert.equal(c.data.dir, null, `${what} leaves data.dir to the recipe`);
  }
  assert.equal(loadConfig(`${CONFIG_DIR}/imagenet-resnet18-rwp.yaml`, []).data.image_size, 224);
});

test("the follow-up's recipes (m-RWP, m-ARWP) carry its scripts' settings", () => {
  for (const ds of ['cifar10', 'cifar100']) {
    for (const [kind, method] of [['mrwp', 'rwp'], ['marwp', 'arwp']] as const) {
      const what = `${ds}-resnet18-${kind}.yaml`;
      const c = loadConfig(`${CONFIG_DIR}/${what}`, []);
      assert.deepEqual([c.model.arch, c.data.dataset, c.data.batch_size, c.data.augment, c.data.cutout, c.data.dir], ['resnet18', ds, 256, true, true, null], what);
      assert.deepEqual([c.method.name, c.method.gamma, c.method.alpha, c.method.sigma_inc], [method, 0.015, 0.5, 0], what);
      if (method === 'arwp') assert.deepEqual([c.method.eta, c.method.beta], [0.1, 0.99], what);
      assert.deepEqual([c.optim.lr, c.optim.momentum, c.optim.weight_decay, c.optim.schedule, c.train.epochs], [0.1, 0.9, 1e-3, 'cosine', 200], what);
    }
  }
});
