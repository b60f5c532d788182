// Builds build/rwp_shm.node from csrc/shm.c with the system C compiler and Node's headers. Where
// something is missing it says what and exits 0: installing must not fail, and without the
// addon the ring on one host moves its data over unix sockets instead. Set CC for another compiler.
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeHeaders } from '../../../scripts/node-headers.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'build', 'rwp_shm.node');
const cc = process.env.CC || 'gcc';

function skip(reason) {
  rmSync(target, { force: true });
  console.warn(`@rwp/shm: not built: ${reason}`);
  console.warn('@rwp/shm: ranks on one host will exchange gradients over unix sockets (slower).');
  process.exit(0);
}

if (spawnSync(cc, ['--version']).status !== 0) skip(`no C compiler (${cc}); install gcc`);
const include = nodeHeaders();
if (!include) skip("Node's headers (node_api.h) not found; set npm_config_nodedir or install nodejs headers");
mkdirSync(dirname(target), { recursive: true });
// Link beside the target and rename, so that a running process never loads a partial file.
const tmp = `${target}.tmp`;
const args = ['-std=gnu11', '-O2', '-fPIC', '-shared', '-fvisibility=hidden', '-Wall', '-Wextra', '-Werror', `-I${include}`, join(root, 'csrc', 'shm.c'), '-o', tmp];
const built = spawnSync(cc, args, { stdio: 'inherit' });
if (built.status !== 0) skip('compiling csrc/shm.c failed (errors above)');
renameSync(tmp, target);
// Load it in a fresh process: a missing symbol shows up here, not in the middle of a run.
const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(target)})`], { encoding: 'utf8' });
if (probe.status !== 0) skip(`the built addon does not load: ${probe.stderr.trim().split('\n')[0]}`);
console.log(`@rwp/shm: built ${target}`);
