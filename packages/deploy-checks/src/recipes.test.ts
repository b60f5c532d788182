import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { launchDryRun, parseDryRun } from './dry-run.js';
import { BIN_PATHS, repoPath } from './repo.js';
import { resolveInChild } from './resolve-rank.js';
import { scratchDir } from './scratch-dir.js';
import { loadTrainConfig, parseTrainArgs, trainerAccepts } from './train-args.js';

/** Every recipe script and the GPUs (ranks) it starts on one host. */
const RECIPES: Record<string, { nproc: number; method: string }> = {
  'cifar10-resnet18-rwp.sh': { nproc: 2, method: 'rwp' },
  'cifar100-resnet18-rwp.sh': { nproc: 2, method: 'rwp' },
  'imagenet-resnet18-rwp.sh': { nproc: 4, method: 'rwp' },
  'cifar10-resnet18-sgd.sh': { nproc: 1, method: 'sgd' },
  'cifar10-resnet18-sam.sh': { nproc: 1, method: 'sam' },
};


function runRecipe(script: string, args: string[], env: Record<string, string>): ReturnType<typeof spawnSync> & { stdout: string; stderr: string } {
  return spawnSync('bash', [repoPath('launch', script), ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } });
}

test('every script under launch/ is a known recipe', () => {
  const scripts = readdirSync(repoPath('launch')).filter((f) => f.endsWith('.sh'));
  assert.deepEqual(scripts.sort(), Object.keys(RECIPES).sort());
});

for (const [script, recipe] of Object.entries(RECIPES)) {
  test(`${script}: rwp-launch accepts it and starts ${recipe.nproc} resuming rank(s) of the recipe`, (t) => {
    const dir = scratchDir(t);
    const data = join(dir, 'data');
    const r = runRecipe(script, ['--dry-run'], { DATA_DIR: data, RUN_DIR: join(dir, 'run') });
    assert.equal(r.status, 0, r.stderr);
    const workers = parseDryRun(r.stdout);
    assert.equal(workers.length, recipe.nproc);
    workers.forEach((w, i) => {
      assert.equal(w.argv[0], BIN_PATHS['rwp-train']);
      assert.ok(parseTrainArgs(w.argv.slice(1)).resume, 'running the recipe again continues the run');
      const id = resolveInChild(w.env);
      assert.deepEqual([id.rank, id.worldSize, id.localRank, id.localWorldSize, id.source], [i, recipe.nproc, i, recipe.nproc, 'launcher']);
    });
    const args = parseTrainArgs(workers[0].argv.slice(1));
    assert.equal(args.runDir, join(dir, 'run'));
    const config = loadTrainConfig(args);
    assert.equal(config.data.dir, data);
    assert.equal(config.method.name, recipe.method);
    const accepted = trainerAccepts(workers[0].argv.slice(1));
    assert.ok(accepted.help, 'the worker prints rwp-train usage with --help');
    assert.ok(accepted.accepted, accepted.stdout + accepted.stderr);
  });
}

test('a recipe passes more flags through, and names DATA_DIR when it is missing', (t) => {
  const dir = scratchDir(t);
  const r = runRecipe('cifar10-resnet18-rwp.sh', ['--dry-run', '--nnodes', '2', '--node-rank', '1', '--master-addr', '10.0.0.1', '--set', 'train.max_steps=20'], {
    RWP_JOB_TOKEN: 'shared-secret',
    DATA_DIR: dir,
    RUN_DIR: join(dir, 'run'),
  });
  assert.equal(r.status, 0, r.stderr);
  const workers = parseDryRun(r.stdout);
  assert.deepEqual(
    workers.map((w) => resolveInChild(w.env)).map((id) => [id.rank, id.worldSize, id.nodeRank, id.masterAddr, id.transport]),
    [
      [2, 4, 1, '10.0.0.1', 'ipc'],
      [3, 4, 1, '10.0.0.1', 'ipc'],
    ],
  );
  assert.equal(loadTrainConfig(parseTrainArgs(workers[0].argv.slice(1))).train.max_steps, 20);

  const missing = runRecipe('cifar10-resnet18-rwp.sh', ['--dry-run'], {});
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /DATA_DIR/);
  assert.equal(missing.stdout, '');
});

test('launchDryRun reports what rwp-launch rejects', () => {
  assert.throws(() => launchDryRun(['--nproc', '2', '--nnodes', '2', repoPath('configs/smoke.yaml')], {}), /needs --master-addr/);
});
