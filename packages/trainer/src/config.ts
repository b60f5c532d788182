import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { parse, parseDocument } from 'yaml';
import { FIELDS, FIELD_BY_KEY, typeText, type Config, type KeyedField } from './config-schema.js';
import { isRandomPerturbation } from './methods/index.js';

export type { Config } from './config-schema.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Checks one value against its field; returns it or throws naming the key and what is allowed. */
function checkValue(field: KeyedField, value: unknown, where: string): unknown {
  const t = field.type;
  const bad = () => new ConfigError(`${where}: ${field.key}: expected ${typeText(t)}, got ${JSON.stringify(value)}`);
  if (value === null && t.nullable) return null;
  switch (t.kind) {
    case 'enum':
      if (typeof value !== 'string' || !t.values.includes(value)) throw bad();
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw bad();
      return value;
    case 'string':
      if (typeof value !== 'string') throw bad();
      return value;
    case 'int':
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw bad();
      if (t.kind === 'int' && !Number.isInteger(value)) throw bad();
      if (t.min !== undefined && value < t.min) throw bad();
      if (t.max !== undefined && value > t.max) throw bad();
      return value;
  }
}

function flatten(obj: unknown, prefix: string, out: Map<string, unknown>, where: string): void {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new ConfigError(`${where}: ${prefix || 'the document'} must be a mapping of keys, got ${JSON.stringify(obj)}`);
  }
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (FIELD_BY_KEY.has(key)) {
      out.set(key, v);
    } else if (FIELDS.some((f) => f.key.startsWith(key + '.'))) {
      flatten(v, key, out, where);
    } else {
      throw new ConfigError(`${where}: unknown key ${key}; allowed keys: ${allowedNear(key)}`);
    }
  }
}

function allowedNear(key: string): string {
  const section = key.includes('.') ? key.slice(0, key.indexOf('.') + 1) : '';
  const near = FIELDS.filter((f) => section && f.key.startsWith(section)).map((f) => f.key);
  return (near.length ? near : FIELDS.map((f) => f.key)).join(', ');
}

function build(values: Map<string, unknown>): Config {
  const root: Record<string, unknown> = {};
  for (const f of FIELDS) {
    const parts = f.key.split('.');
    let node = root;
    for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
    node[parts[parts.length - 1]] = values.has(f.key) ? values.get(f.key) : f.default;
  }
  return root as unknown as Config;
}

/** Parses `key=value` overrides; the value is read as YAML (numbers, booleans, null, strings). */
export function parseOverride(text: string): [string, unknown] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new ConfigError(`--set ${text}: expected key=value`);
  const key = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1);
  if (!FIELD_BY_KEY.has(key)) throw new ConfigError(`--set ${text}: unknown key ${key}; allowed keys: ${allowedNear(key)}`);
  const doc = parseDocument(raw);
  return [key, raw === '' ? '' : doc.toJS()];
}

/** Builds a validated config from parsed YAML and `--set` overrides. */
export function resolveConfig(doc: unknown, overrides: readonly string[] = [], where = 'config'): Config {
  const values = new Map<string, unknown>();
  if (doc !== null && doc !== undefined) flatten(doc, '', values, where);
  for (const [k, v] of values) values.set(k, checkValue(FIELD_BY_KEY.get(k)!, v, where));
  for (const o of overrides) {
    const [k, v] = parseOverride(o);
    values.set(k, checkValue(FIELD_BY_KEY.get(k)!, v, `--set ${o}`));
  }
  const config = build(values);
  const p = config.method.perturbed_ranks;
  if (p !== null && !isRandomPerturbation(config.method.name)) {
    throw new ConfigError(`${where}: method.perturbed_ranks only applies to method.name rwp or arwp`);
  }
  return config;
}

/** Reads and validates a YAML config file. */
export function loadConfig(path: string, overrides: readonly string[] = []): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new ConfigError(`config ${path} is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  return resolveConfig(doc, overrides, path);
}

/** A hash of everything that must agree across ranks (run_dir and threads may differ per host). */
export function configHash(config: Config): string {
  const { run_dir: _runDir, threads: _threads, ...shared } = config;
  return createHash('sha256').update(JSON.stringify(shared)).digest('hex').slice(0, 16);
}
