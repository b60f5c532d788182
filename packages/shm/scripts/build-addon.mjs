// Builds build/rwp_shm.node from csrc/shm.c (scripts/build-c-addon.mjs says how). Where something
// is missing it says what and exits 0: installing must not fail, and without the addon the ring
// on one host moves its data over unix sockets instead. Set CC for another compiler.
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCAddon } from '../../../scripts/build-c-addon.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'build', 'rwp_shm.node');

function skip(reason) {
  rmSync(target, { force: true });
  console.warn(`@rwp/shm: not built: ${reason}`);
  console.warn('@rwp/shm: ranks on one host will exchange gradients over unix sockets (slower).');
  process.exit(0);
}

buildCAddon({ name: '@rwp/shm', target, sources: [join(root, 'csrc', 'shm.c')], skip });
