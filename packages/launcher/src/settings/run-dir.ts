import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultRunDir } from '@rwp/process-group';
import { parse } from 'yaml';
import { LaunchError } from '../errors.js';

/**
 * The run's directory: --run-dir, else the last `--set run_dir=X`, else the config's top-level
 * `run_dir`, else `runs/<config name>-<UTC timestamp>`. Always reads the config, so a missing or
 * broken one fails here rather than in every worker.
 */
export function resolveRunDir(config: string, runDirFlag: string | undefined, sets: readonly string[], now: Date): string {
  const fromConfig = configRunDir(config);
  const fromSet = sets.filter((s) => s.startsWith('run_dir=')).map((s) => s.slice('run_dir='.length)).pop();
  const chosen = runDirFlag ?? fromSet ?? fromConfig ?? defaultRunDir(config, now);
  if (chosen === '') throw new LaunchError('the run directory is empty; give --run-dir DIR');
  return resolve(chosen);
}

function configRunDir(config: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(config, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new LaunchError(`config file ${config} does not exist`);
    throw new LaunchError(`cannot read config file ${config}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new LaunchError(`config file ${config} is not valid YAML: ${(e as Error).message}`);
  }
  if (doc === null || doc === undefined) return undefined;
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new LaunchError(`config file ${config} must hold a mapping of keys at the top level`);
  }
  const runDir = (doc as Record<string, unknown>).run_dir;
  if (runDir === undefined || runDir === null) return undefined;
  if (typeof runDir !== 'string') throw new LaunchError(`config file ${config}: run_dir must be a string, got ${JSON.stringify(runDir)}`);
  return runDir;
}
