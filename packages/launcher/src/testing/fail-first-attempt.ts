// Records its argv and environment per attempt in RUN_DIR/attempt-<restart>-rank-<rank>.json.
// On the first attempt rank 1 exits 1 once every rank has recorded itself, and the others wait
// to be stopped; later attempts exit 0.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { exitWithLauncher } from '@rwp/process-group';
import { record } from './record.js';
import { workerArgs } from './worker-args.js';

exitWithLauncher();
const { runDir } = workerArgs();
const { RANK, RWP_RESTART_COUNT, WORLD_SIZE } = process.env;
const recordFile = (rank: number | string) => join(runDir, `attempt-${RWP_RESTART_COUNT}-rank-${rank}.json`);
record(recordFile(RANK ?? ''), { argv: process.argv.slice(2), env: process.env });
if (RWP_RESTART_COUNT === '0') {
  setInterval(() => {
    if (RANK !== '1' || !Array.from({ length: Number(WORLD_SIZE) }, (_, r) => existsSync(recordFile(r))).every(Boolean)) return;
    console.error('rank 1 fails on purpose on the first attempt');
    process.exit(1);
  }, 20);
}
