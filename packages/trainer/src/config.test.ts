import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BACKEND_NAMES } from '@rwp/backend';
import { DATASET_NAMES } from '@rwp/data';
import { ARCHS } from '@rwp/models';
import { loadConfig, resolveConfig, configHash } from './config.js';
import { withKeyTable } from './config-docs.js';
import { FIELD_BY_KEY } from './config-schema.js';

const dir = mkdtempSync(join(tmpdir(), 'rwp-config-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

test('defaults fill every key; YAML values and --set overrides apply with their types', () => {
  const p = file('a.yaml', 'seed: 3\nmethod:\n  name: rwp\n  gamma: 0.02\n');
  const c = loadConfig(p, ['optim.lr=0.2', 'train.max_steps=5', 'data.dir=/x', 'run_dir=null']);
  assert.equal(c.seed, 3);
  assert.equal(c.method.name, 'rwp');
  assert.equal(c.method.gamma, 0.02);
  assert.equal(c.method.alpha, 0.5);
  assert.equal(c.optim.lr, 0.2);
  assert.equal(c.train.max_steps, 5);
  assert.equal(c.data.dir, '/x');
  assert.equal(c.run_dir, null);
  assert.equal(c.model.arch, 'cnn');
});

test('an unknown key names the key and the allowed ones', () => {
  const p = file('b.yaml', 'method:\n  name: rwp\n  gama: 0.1\n');
  assert.throws(() => loadConfig(p), (e: Error) => e.message.includes('unknown key method.gama') && e.message.includes('method.gamma') && e.message.includes(p));
  assert.throws(() => resolveConfig({}, ['optim.lrr=1']), /unknown key optim.lrr/);
});

test('a wrong type or value names the key and what is allowed', () => {
  assert.throws(() => resolveConfig({ method: { name: 'adam' } }), /method.name: expected one of sgd, sam, rwp, arwp, got "adam"/);
  assert.throws(() => resolveConfig({ data: { batch_size: 12.5 } }), /data.batch_size: expected integer \(>= 1\), got 12.5/);
  assert.throws(() => resolveConfig({ threads: 0 }), /threads: expected integer \(>= 1\) or null, got 0/);
  assert.throws(() => resolveConfig({ data: 3 }), /data must be a mapping/);
  assert.throws(() => resolveConfig({}, ['method.alpha=2']), /--set method.alpha=2: method.alpha: expected number \(>= 0, <= 1\), got 2/);
  assert.throws(() => resolveConfig({}, ['method.alpha']), /expected key=value/);
  assert.throws(() => resolveConfig({ method: { name: 'sgd', perturbed_ranks: 1 } }), /only applies to method.name rwp/);
});

test('a missing or invalid file is an error naming it', () => {
  assert.throws(() => loadConfig(join(dir, 'nope.yaml')), /cannot read config .*nope.yaml: ENOENT/);
  const p = file('c.yaml', 'seed: [1,\n');
  assert.throws(() => loadConfig(p), /is not valid YAML/);
});

test('the config hash ignores per-host keys and changes with anything else', () => {
  const a = resolveConfig({ seed: 1 }, ['run_dir=/a', 'threads=1']);
  const b = resolveConfig({ seed: 1 }, ['run_dir=/b', 'threads=2']);
  const c = resolveConfig({ seed: 2 });
  assert.equal(configHash(a), configHash(b));
  assert.notEqual(configHash(a), configHash(c));
});

test('the names a config accepts are those their owning packages export', () => {
  const values = (key: string) => {
    const t = FIELD_BY_KEY.get(key)!.type;
    return t.kind === 'enum' ? t.values : [];
  };
  assert.deepEqual(values('backend'), BACKEND_NAMES);
  assert.deepEqual(values('model.arch'), ARCHS);
  assert.deepEqual(values('data.dataset'), DATASET_NAMES);
});

test('configs/README.md is what `npm run docs:config` generates from the schema', () => {
  const path = fileURLToPath(new URL('../../../configs/README.md', import.meta.url));
  const readme = readFileSync(path, 'utf8');
  assert.equal(readme, withKeyTable(readme, path), 'configs/README.md is out of date: run `npm run docs:config`');
});
