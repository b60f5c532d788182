import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { interpolateTree } from './interpolate.js';

const require = createRequire(import.meta.url);

/** The Compose Specification's JSON schema, as the dclint package ships it. */
export const COMPOSE_SCHEMA_PATH = join(dirname(require.resolve('dclint/package.json')), 'schemas/compose.schema.json');

export interface ComposeService {
  image?: string;
  command?: string[] | string;
  environment?: Record<string, string> | string[];
  volumes?: (string | { type?: string; source?: string; target: string })[];
  profiles?: string[];
  network_mode?: string;
  shm_size?: string | number;
  restart?: string;
  init?: boolean;
  deploy?: { resources?: { reservations?: { devices?: { driver?: string; count?: string | number; device_ids?: string[]; capabilities: string[] }[] } } };
}

export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

let validator: ValidateFunction | undefined;

/** Compiles the schema once. It names draft-07 by its https URI, which ajv knows by its http one. */
function composeValidator(): ValidateFunction {
  if (validator) return validator;
  const schema = JSON.parse(readFileSync(COMPOSE_SCHEMA_PATH, 'utf8')) as { $schema: string };
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
  ajv.addMetaSchema({ ...(require('ajv/dist/refs/json-schema-draft-07.json') as object), $id: schema.$schema });
  validator = ajv.compile(schema);
  return validator;
}

/** Schema errors of a Compose document, as "path: message" lines; empty when it is valid. */
export function composeErrors(doc: unknown): string[] {
  const validate = composeValidator();
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'}: ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
}

/**
 * Reads a Compose file as Compose does: YAML with merge keys (<<), then every value interpolated
 * from `env`.
 */
export function loadCompose(path: string, env: Readonly<Record<string, string | undefined>>): ComposeFile {
  return interpolateTree(parse(readFileSync(path, 'utf8'), { merge: true }), env) as ComposeFile;
}
