// The one way the project's small C addons (@rwp/shm, @rwp/mpi, @rwp/data) are built: the system C
// compiler (CC, else gcc) against Node's headers, linked beside the target and renamed, then
// loaded in a fresh process. Where something is missing it calls `skip` with the reason: each
// package says what it loses and exits 0, since installing must not fail.
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { nodeHeaders } from './node-headers.mjs';

const cc = process.env.CC || 'gcc';

/**
 * @param {{ name: string, target: string, sources: string[], flags?: string[], libs?: string[],
 *   headers?: Array<{ header: string, install: string }>, skip: (reason: string) => never }} addon
 *   `headers`: system headers the sources include, each checked first with how to install it.
 */
export function buildCAddon({ name, target, sources, flags = [], libs = [], headers = [], skip }) {
  if (spawnSync(cc, ['--version']).status !== 0) skip(`no C compiler (${cc}); install gcc`);
  for (const { header, install } of headers) {
    const found = spawnSync(cc, ['-E', '-x', 'c', ...flags, '-'], { input: `#include <${header}>\n`, encoding: 'utf8' });
    if (found.status !== 0) skip(`${header} not found (${install})`);
  }
  const include = nodeHeaders();
  if (!include) skip("Node's headers (node_api.h) not found; set npm_config_nodedir or install nodejs headers");
  mkdirSync(dirname(target), { recursive: true });
  // Link beside the target and rename, so that a running process never loads a partial file.
  const tmp = `${target}.tmp`;
  const args = ['-std=gnu11', '-O2', '-fPIC', '-shared', '-fvisibility=hidden', '-Wall', '-Wextra', '-Werror', `-I${include}`, ...flags, ...sources, ...libs, '-o', tmp];
  if (spawnSync(cc, args, { stdio: 'inherit' }).status !== 0) skip(`compiling ${sources.join(', ')} failed (errors above)`);
  renameSync(tmp, target);
  // Load it in a fresh process: a missing library or symbol shows up here, not in the middle of a run.
  const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(target)})`], { encoding: 'utf8' });
  if (probe.status !== 0) skip(`the built addon does not load: ${probe.stderr.trim().split('\n')[0]}`);
  console.log(`${name}: built ${target}`);
}
