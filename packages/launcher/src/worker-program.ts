import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LaunchError } from './errors.js';

const DEFAULT_WORKER = '@rwp/trainer/cli';

/** The absolute path of the worker program, checked to exist. */
export function resolveWorkerProgram(flag: string | undefined): string {
  if (flag !== undefined) {
    const path = resolve(flag);
    if (!existsSync(path) || !statSync(path).isFile()) throw new LaunchError(`--worker ${flag}: no such file`);
    return path;
  }
  let path: string;
  try {
    path = fileURLToPath(import.meta.resolve(DEFAULT_WORKER));
  } catch (e) {
    throw new LaunchError(`the default worker ${DEFAULT_WORKER} cannot be found (${(e as Error).message.split('\n')[0]}); build @rwp/trainer or pass --worker PATH`);
  }
  if (!existsSync(path)) {
    throw new LaunchError(`the default worker ${DEFAULT_WORKER} resolves to ${path}, which does not exist; build @rwp/trainer or pass --worker PATH`);
  }
  return path;
}
