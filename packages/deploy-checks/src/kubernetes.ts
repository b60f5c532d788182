import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { Job, type IJob } from 'kubernetes-models/batch/v1/Job';
import { Service, type IService } from 'kubernetes-models/v1/Service';

export type Manifest = IJob | IService;

/** Models (kubernetes-models, generated from the Kubernetes OpenAPI) of the kinds the recipes use. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'batch/v1/Job': Job,
  'v1/Service': Service,
};

/** Every document of a multi-document YAML file; a YAML error names the file. */
export function loadManifests(path: string): Manifest[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).map((doc, i) => {
    if (doc.errors.length > 0) throw new Error(`${path}, document ${i + 1}: ${doc.errors[0].message}`);
    return doc.toJS() as Manifest;
  });
}

/**
 * Validates an object against its Kubernetes type: field types, required fields, enums and formats
 * (an unknown field name is not reported: the OpenAPI types allow them). Returns the validator's
 * message, or undefined when the object is valid.
 */
export function manifestError(m: { apiVersion?: string; kind?: string }): string | undefined {
  const Model = MODELS[`${m.apiVersion}/${m.kind}`];
  if (!Model) return `no model for ${m.apiVersion} ${m.kind}`;
  try {
    new Model(m as never).validate();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
