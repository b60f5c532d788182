import assert from 'node:assert/strict';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import dockerignore from '@balena/dockerignore';
import { dockerfileProblems, readDockerfile } from './dockerfile.js';
import { launchDryRun } from './dry-run.js';
import { mapPaths } from './paths.js';
import { BIN_PATHS, IMAGE_APP_DIR, REPO_ROOT, repoPath } from './repo.js';
import { scratchDir } from './scratch-dir.js';
import { loadTrainConfig, parseTrainArgs } from './train-args.js';

const DOCKERFILES = ['docker/Dockerfile', 'docker/Dockerfile.gpu'];

/**
 * What each @tensorflow/tfjs-node-gpu release downloads (LIBTENSORFLOW_VERSION in its
 * scripts/deps-constants.js) and the CUDA and cuDNN that TensorFlow release was built against.
 * A new tfjs-node-gpu in the lock file fails the test below until this table and the base image
 * of docker/Dockerfile.gpu say what it needs.
 */
const TFJS_NODE_GPU: Record<string, { libtensorflow: string; cuda: string; cudnn: string }> = {
  '4.22.0': { libtensorflow: '2.9.1', cuda: '11.2', cudnn: '8' },
};

for (const file of DOCKERFILES) {
  test(`${file}: the Dockerfile linter finds nothing`, () => {
    assert.deepEqual(dockerfileProblems(readFileSync(repoPath(file), 'utf8')), []);
  });

  test(`${file}: a non-root user runs rwp-launch from the built project, and the default command is accepted`, (t) => {
    const image = readDockerfile(repoPath(file));
    assert.ok(image.user !== undefined && !['root', '0'].includes(image.user.split(':')[0]), `USER ${image.user}`);
    assert.equal(image.workdir, IMAGE_APP_DIR);
    assert.deepEqual(image.entrypoint, ['rwp-launch']);
    assert.equal(image.env.PATH?.split(':')[0], `${IMAGE_APP_DIR}/node_modules/.bin`);
    // npm links the workspace bins there; the image's PATH finds the same files.
    for (const bin of ['rwp-launch', 'rwp-train']) assert.equal(realpathSync(repoPath('node_modules/.bin', bin)), BIN_PATHS[bin]);

    const dir = scratchDir(t);
    const cmd = mapPaths(image.cmd, { [IMAGE_APP_DIR]: REPO_ROOT, '/runs': join(dir, 'runs') });
    const workers = launchDryRun(cmd, { ...image.env, PATH: process.env.PATH });
    assert.equal(workers.length, 1);
    const args = parseTrainArgs(workers[0].argv.slice(1));
    assert.doesNotThrow(() => loadTrainConfig(args));
    assert.equal(args.runDir, join(dir, 'runs/smoke'));
  });
}

test('the linter reports a broken Dockerfile (it is not a no-op)', () => {
  assert.notDeepEqual(dockerfileProblems('FROM\nENTRYPOINT ["rwp-launch"\nUSER\n'), []);
});

test("Dockerfile.gpu: the CUDA and cuDNN base match the libtensorflow tfjs-node-gpu downloads", () => {
  const lock = JSON.parse(readFileSync(repoPath('package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  const version = lock.packages['node_modules/@tensorflow/tfjs-node-gpu']?.version;
  assert.ok(version, 'package-lock.json pins @tensorflow/tfjs-node-gpu');
  const needs = TFJS_NODE_GPU[version];
  assert.ok(needs, `@tensorflow/tfjs-node-gpu ${version}: find the libtensorflow it downloads and the CUDA it needs, then update Dockerfile.gpu and this table`);
  const constants = repoPath('node_modules/@tensorflow/tfjs-node-gpu/scripts/deps-constants.js');
  // Installed even when its download failed (it is optional); absent only if npm dropped it.
  if (existsSync(constants)) assert.match(readFileSync(constants, 'utf8'), new RegExp(`LIBTENSORFLOW_VERSION = '${needs.libtensorflow.replace(/\./g, '\\.')}'`));
  const image = readDockerfile(repoPath('docker/Dockerfile.gpu'));
  assert.match(image.base, new RegExp(`^nvidia/cuda:${needs.cuda.replace('.', '\\.')}\\.\\d+-cudnn${needs.cudnn}-runtime-ubuntu20\\.04$`));
  const text = readFileSync(repoPath('docker/Dockerfile.gpu'), 'utf8');
  for (const stated of [`libtensorflow ${needs.libtensorflow}`, `CUDA ${needs.cuda}`, `tfjs-node-gpu ${version}`]) assert.ok(text.includes(stated), `the comment states ${stated}`);
});

test('Dockerfile.gpu: the CUDA JIT cache is large and on the path the volumes mount; the driver exposes CUDA and Vulkan', () => {
  const { env } = readDockerfile(repoPath('docker/Dockerfile.gpu'));
  assert.equal(env.CUDA_CACHE_PATH, '/cache/cuda');
  assert.ok(Number(env.CUDA_CACHE_MAXSIZE) >= 4 * 2 ** 30, `CUDA_CACHE_MAXSIZE=${env.CUDA_CACHE_MAXSIZE}`);
  // graphics: the driver's Vulkan ICD, through which the webgpu backend reaches the GPU.
  assert.deepEqual(env.NVIDIA_DRIVER_CAPABILITIES?.split(',').sort(), ['compute', 'graphics', 'utility']);
});

test('Dockerfile: a Node 20 Debian base', () => {
  assert.match(readDockerfile(repoPath('docker/Dockerfile')).base, /^node:20(\.\d+)*-bookworm-slim$/);
});

test('.dockerignore keeps build outputs and local state out of the context, and the sources in', () => {
  const ig = dockerignore.default().add(readFileSync(repoPath('.dockerignore'), 'utf8'));
  for (const p of ['node_modules/x', 'packages/trainer/node_modules/x', 'packages/trainer/dist/cli.js', 'benchmarks/dist/a.js', 'runs/r/checkpoint.bin', '.git/HEAD', 'packages/native/build/rwp_native.node', 'packages/shm/build/rwp_shm.node', 'packages/deploy-checks/tsconfig.tsbuildinfo']) {
    assert.ok(ig.ignores(p), `${p} is left out`);
  }
  for (const p of ['package.json', 'package-lock.json', 'tsconfig.base.json', 'packages/trainer/src/cli.ts', 'packages/process-group/src/index.ts', 'packages/native/csrc/addon.cc', 'packages/native/scripts/build-addon.mjs', 'configs/smoke.yaml', 'docker/Dockerfile.gpu', 'launch/slurm/rwp.sbatch']) {
    assert.ok(!ig.ignores(p), `${p} is sent`);
  }
});
