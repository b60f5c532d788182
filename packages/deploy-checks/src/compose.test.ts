import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { DCLinter } from 'dclint';
import { composeErrors, loadCompose, type ComposeService } from './compose.js';
import { readDockerfile } from './dockerfile.js';
import { launchDryRun } from './dry-run.js';
import { mapPaths } from './paths.js';
import { BIN_PATHS, IMAGE_APP_DIR, REPO_ROOT, repoPath } from './repo.js';
import { resolveInChild } from './resolve-rank.js';
import { scratchDir } from './scratch-dir.js';
import { loadTrainConfig, parseTrainArgs, trainerAccepts } from './train-args.js';

const COMPOSE = repoPath('docker/docker-compose.yml');
const IMAGE = readDockerfile(repoPath('docker/Dockerfile.gpu'));

/** The variables a user sets for each way of running it (docs/deployment.md). */
const ENVIRONMENTS: Record<string, Record<string, string>> = {
  defaults: {},
  'one host, 4 GPUs': { NPROC: '4', DATA_DIR: '/srv/cifar100', CONFIG: 'cifar100-resnet18-rwp' },
  'node 1 of 2': { NODE_RANK: '1', NNODES: '2', MASTER_ADDR: '10.0.0.1', MASTER_PORT: '29600', RWP_JOB_TOKEN: 'shared-secret', DATA_DIR: '/srv/cifar10' },
};

for (const [name, env] of Object.entries(ENVIRONMENTS)) {
  test(`docker-compose.yml (${name}) is valid under the Compose Specification schema`, () => {
    assert.deepEqual(composeErrors(loadCompose(COMPOSE, env)), []);
  });
}

test('the Compose linter (dclint, every rule at its default level) finds nothing in docker-compose.yml', () => {
  const [result] = new DCLinter({ rules: {}, quiet: false, debug: false, exclude: [] }).lintFiles([COMPOSE], false);
  assert.deepEqual(result.messages.map((m: { line: number; message: string }) => `${m.line}: ${m.message}`), []);
});

test('the schema validator rejects what Compose would', () => {
  const doc = loadCompose(COMPOSE, {});
  const broken = structuredClone(doc) as unknown as { services: Record<string, Record<string, unknown>> };
  broken.services.rwp.shm_sise = '8gb';
  delete (broken.services.rwp.deploy as { resources: { reservations: { devices: Record<string, unknown>[] } } }).resources.reservations.devices[0].capabilities;
  const errors = composeErrors(broken).join('\n');
  assert.match(errors, /shm_sise/);
  assert.match(errors, /capabilities/);
});

function gpuDevices(s: ComposeService): { driver?: string; count?: string | number; capabilities: string[] }[] {
  return s.deploy?.resources?.reservations?.devices ?? [];
}

function mounts(s: ComposeService): Map<string, string> {
  return new Map((s.volumes ?? []).map((v) => (typeof v === 'string' ? [v.split(':')[1], v.split(':')[0]] : [v.target, v.source ?? ''])));
}

test('both services reserve the GPUs they start ranks on, and keep data, runs and the CUDA cache on volumes', () => {
  const doc = loadCompose(COMPOSE, { NPROC: '4' });
  for (const [name, s] of Object.entries(doc.services)) {
    const command = s.command as string[];
    const devices = gpuDevices(s);
    assert.equal(devices.length, 1, name);
    assert.equal(devices[0].driver, 'nvidia');
    assert.deepEqual(devices[0].capabilities, ['gpu']);
    assert.equal(String(devices[0].count), command[command.indexOf('--nproc') + 1], `${name}: as many GPUs as --nproc`);
    assert.equal(s.restart, 'unless-stopped');
    assert.equal(s.init, true);
    assert.ok(s.shm_size);
    const m = mounts(s);
    assert.equal(m.get(IMAGE.env.CUDA_CACHE_PATH), 'rwp-cuda-cache', `${name}: the image's CUDA_CACHE_PATH is a volume`);
    assert.equal(m.get('/runs'), 'rwp-runs');
    assert.equal(m.get('/data'), 'rwp-data');
    assert.ok(command[command.indexOf('--run-dir') + 1].startsWith('/runs/'), `${name}: the run directory is on the runs volume`);
    for (const volume of ['rwp-data', 'rwp-runs', 'rwp-cuda-cache']) assert.ok(doc.volumes && volume in doc.volumes);
  }
  assert.equal(mounts(loadCompose(COMPOSE, { DATA_DIR: '/srv/data' }).services.rwp).get('/data'), '/srv/data');
  assert.deepEqual(doc.services['rwp-node'].profiles, ['multinode']);
  assert.equal(doc.services['rwp-node'].network_mode, 'host');
  assert.equal(doc.services.rwp.profiles, undefined);
});

/** Runs a service's command through the image's entrypoint (rwp-launch) with --dry-run. */
function dryRunService(s: ComposeService, dir: string) {
  assert.deepEqual(IMAGE.entrypoint, ['rwp-launch']);
  const args = mapPaths(s.command as string[], { [IMAGE_APP_DIR]: REPO_ROOT, '/runs': join(dir, 'runs'), '/data': join(dir, 'data') });
  const environment = s.environment as Record<string, string>;
  return launchDryRun(args, { ...IMAGE.env, ...environment, PATH: process.env.PATH });
}

test('rwp: rwp-launch accepts the command; NPROC ranks on one host, each resuming the recipe', (t) => {
  const dir = scratchDir(t);
  const workers = dryRunService(loadCompose(COMPOSE, { NPROC: '4', CONFIG: 'cifar100-resnet18-rwp' }).services.rwp, dir);
  assert.deepEqual(
    workers.map((w) => resolveInChild(w.env)).map((id) => [id.rank, id.worldSize, id.localRank, id.nodeRank, id.transport]),
    [0, 1, 2, 3].map((r) => [r, 4, r, 0, 'ipc']),
  );
  const worker = workers[0].argv[0];
  assert.equal(worker, BIN_PATHS['rwp-train']);
  const args = parseTrainArgs(workers[0].argv.slice(1));
  assert.ok(args.resume, 'a restarted container continues from its checkpoint');
  assert.equal(args.runDir, join(dir, 'runs/cifar100-resnet18-rwp'));
  const config = loadTrainConfig(args);
  assert.deepEqual([config.data.dataset, config.data.dir], ['cifar100', join(dir, 'data')]);
  const accepted = trainerAccepts(workers[0].argv.slice(1), worker);
  assert.ok(accepted.accepted && accepted.help, accepted.stdout + accepted.stderr);
});

test('rwp-node: node 1 of 2 starts ranks 2 and 3 of 4 (ipc: shared memory within a host, tcp between), with node 0 as master', (t) => {
  const dir = scratchDir(t);
  const workers = dryRunService(loadCompose(COMPOSE, ENVIRONMENTS['node 1 of 2']).services['rwp-node'], dir);
  assert.deepEqual(
    workers.map((w) => resolveInChild(w.env)).map((id) => [id.rank, id.worldSize, id.localRank, id.nodeRank, id.masterAddr, id.masterPort, id.transport]),
    [
      [2, 4, 0, 1, '10.0.0.1', 29600, 'ipc'],
      [3, 4, 1, 1, '10.0.0.1', 29600, 'ipc'],
    ],
  );
  const accepted = trainerAccepts(workers[0].argv.slice(1), workers[0].argv[0]);
  assert.ok(accepted.accepted, accepted.stdout + accepted.stderr);
});

test('rwp-node without MASTER_ADDR: rwp-launch says what is missing', (t) => {
  const service = loadCompose(COMPOSE, { NODE_RANK: '1' }).services['rwp-node'];
  assert.throws(() => dryRunService(service, scratchDir(t)), /--nnodes 2 needs --master-addr/);
});
