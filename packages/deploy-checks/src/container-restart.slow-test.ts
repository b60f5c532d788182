import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI_PATHS, repoPath } from './repo.js';
import { runNode } from './run-node.js';
import { scratchDir } from './scratch-dir.js';

// What a restarted container does: a fresh `rwp-launch --resume` (as in the recipes and Compose)
// on a run directory that holds a checkpoint.
test('a fresh rwp-launch --resume continues from the checkpoint of the run directory', (t) => {
  const runDir = join(scratchDir(t), 'run');
  const launch = (steps: number) =>
    runNode(
      [CLI_PATHS['rwp-launch'], '--nproc', '1', '--gpus', 'none', '--resume', '--run-dir', runDir,
        repoPath('configs/smoke.yaml'), '--set', `train.max_steps=${steps}`],
      process.env,
    );
  const first = launch(2);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /no checkpoint in .*; starting from the beginning/);
  const second = launch(4);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /resumed from step 2\b/);
  assert.equal((JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as { steps: number }).steps, 4);
});
