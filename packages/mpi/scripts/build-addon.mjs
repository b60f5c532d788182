// Builds build/rwp_mpi.node from csrc/mpi.c against Open MPI (the flags mpicc gives: Debian's
// libopenmpi-dev) and Node's headers. Where something is missing it says what and exits 0:
// installing must not fail, and without the addon only dist.backend: mpi is unavailable.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeHeaders } from '../../../scripts/node-headers.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'build', 'rwp_mpi.node');
const cc = process.env.CC || 'gcc';
const mpicc = process.env.MPICC || 'mpicc';

function skip(reason) {
  rmSync(target, { force: true });
  console.warn(`@rwp/mpi: not built: ${reason}`);
  console.warn('@rwp/mpi: dist.backend: mpi is unavailable; the ring (dist.backend: ring, the default) is not affected.');
  process.exit(0);
}

/** mpicc's flags for one phase (compile or link), split into words. */
function showme(phase) {
  const r = spawnSync(mpicc, [`--showme:${phase}`], { encoding: 'utf8' });
  if (r.error || r.status !== 0) skip(`${mpicc} --showme:${phase} failed (Open MPI's compiler wrapper; apt-get install libopenmpi-dev)`);
  return r.stdout.trim().split(/\s+/).filter(Boolean);
}

if (spawnSync(cc, ['--version']).status !== 0) skip(`no C compiler (${cc}); install gcc`);
const compile = showme('compile');
const link = showme('link');
const includes = compile.filter((f) => f.startsWith('-I')).map((f) => f.slice(2));
if (!includes.some((dir) => existsSync(join(dir, 'mpi.h')))) skip(`mpi.h not found in ${includes.join(', ') || "mpicc's include paths"} (apt-get install libopenmpi-dev)`);
const include = nodeHeaders();
if (!include) skip("Node's headers (node_api.h) not found; set npm_config_nodedir or install nodejs headers");
mkdirSync(dirname(target), { recursive: true });
// Link beside the target and rename, so that a running process never loads a partial file.
const tmp = `${target}.tmp`;
const args = ['-std=gnu11', '-O2', '-fPIC', '-shared', '-fvisibility=hidden', '-Wall', '-Wextra', '-Werror', `-I${include}`, ...compile, join(root, 'csrc', 'mpi.c'), ...link, '-ldl', '-o', tmp];
const built = spawnSync(cc, args, { stdio: 'inherit' });
if (built.status !== 0) skip('compiling csrc/mpi.c failed (errors above)');
renameSync(tmp, target);
// Load it in a fresh process: a missing library or symbol shows up here, not in the middle of a run.
const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(target)})`], { encoding: 'utf8' });
if (probe.status !== 0) skip(`the built addon does not load: ${probe.stderr.trim().split('\n')[0]}`);
console.log(`@rwp/mpi: built ${target}`);
