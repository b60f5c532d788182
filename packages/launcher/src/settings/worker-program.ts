import { existsSync, realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LaunchError } from '../errors.js';

/**
 * The program rwp-launch runs by default: the bin the trainer declares. The launcher does not
 * depend on the trainer; it finds the program where npm links bins, as a shell would.
 */
const DEFAULT_WORKER = 'rwp-train';

/** The absolute path of the worker program, checked to exist. */
export function resolveWorkerProgram(flag: string | undefined): string {
  if (flag !== undefined) {
    const path = resolve(flag);
    if (!existsSync(path) || !statSync(path).isFile()) throw new LaunchError(`--worker ${flag}: no such file`);
    return path;
  }
  const path = findBin(DEFAULT_WORKER);
  if (path === undefined) {
    throw new LaunchError(`the default worker ${DEFAULT_WORKER} is not installed beside rwp-launch nor on PATH; install @rwp/trainer (npm install) or pass --worker PATH`);
  }
  return path;
}

/**
 * The real path of `name` in a node_modules/.bin above this file (the install rwp-launch is part
 * of), else in a directory of PATH (a global install, npx).
 */
function findBin(name: string): string | undefined {
  const dirs: string[] = [];
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    dirs.push(join(dir, 'node_modules', '.bin'));
    if (dirname(dir) === dir) break;
  }
  dirs.push(...(process.env.PATH ?? '').split(delimiter).filter((d) => d !== ''));
  for (const dir of dirs) {
    const path = join(dir, name);
    if (existsSync(path) && statSync(path).isFile()) return realpathSync(path);
  }
  return undefined;
}
