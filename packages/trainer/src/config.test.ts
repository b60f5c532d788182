import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, resolveConfig, configHash } from './config.js';
import { FIELDS } from './config-schema.js';

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
  assert.throws(() => resolveConfig({ method: { name: 'adam' } }), /method.name must be one of sgd, sam, rwp, got "adam"/);
  assert.throws(() => resolveConfig({ data: { batch_size: 12.5 } }), /data.batch_size must be an integer >= 1/);
  assert.throws(() => resolveConfig({ data: 3 }), /data must be a mapping/);
  assert.throws(() => resolveConfig({}, ['method.alpha=2']), /--set method.alpha=2: method.alpha must be a number >= 0 and <= 1, got 2/);
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

test('configs/README.md documents every key with its default', () => {
  const readme = readFileSync(new URL('../../../configs/README.md', import.meta.url), 'utf8');
  for (const f of FIELDS) {
    const row = readme.split('\n').find((l) => l.startsWith(`| \`${f.key}\``));
    assert.ok(row, `configs/README.md lacks ${f.key}`);
    assert.ok(row.includes(`\`${JSON.stringify(f.default)}\``), `configs/README.md: default of ${f.key}`);
  }
});
