// Builds build/rwp_mpi.node from csrc/mpi.c against Open MPI (the flags mpicc gives: Debian's
// libopenmpi-dev) and Node's headers (scripts/build-c-addon.mjs says how). Where something is
// missing it says what and exits 0: installing must not fail, and without the addon only
// dist.backend: mpi is unavailable.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCAddon } from '../../../scripts/build-c-addon.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'build', 'rwp_mpi.node');
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

buildCAddon({
  name: '@rwp/mpi',
  target,
  sources: [join(root, 'csrc', 'mpi.c')],
  flags: showme('compile'),
  libs: [...showme('link'), '-ldl'],
  headers: [{ header: 'mpi.h', install: 'apt-get install libopenmpi-dev' }],
  skip,
});
