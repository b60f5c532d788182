import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IService } from 'kubernetes-models/v1/Service';
import { readDockerfile } from './dockerfile.js';
import { loadManifests, manifestError } from './kubernetes.js';
import { mapPaths } from './paths.js';
import { CLI_PATHS, IMAGE_APP_DIR, REPO_ROOT, repoPath } from './repo.js';
import { resolveInChild } from './resolve-rank.js';
import { scratchDir } from './scratch-dir.js';
import { loadTrainConfig, parseTrainArgs, trainerAccepts } from './train-args.js';

const MANIFEST = repoPath('launch/kubernetes/rwp-indexed-job.yaml');
const IMAGE = readDockerfile(repoPath('docker/Dockerfile.gpu'));

function objects(): { service: IService; job: IJob } {
  const docs = loadManifests(MANIFEST);
  assert.deepEqual(docs.map((d) => d.kind), ['Service', 'Job']);
  return { service: docs[0] as IService, job: docs[1] as IJob };
}

function container(job: IJob) {
  const c = job.spec?.template.spec?.containers[0];
  assert.ok(c);
  return c;
}

function envOf(job: IJob): Record<string, string> {
  return Object.fromEntries((container(job).env ?? []).map((e) => [e.name, e.value ?? '']));
}

test('every object is valid for its Kubernetes type', () => {
  for (const doc of loadManifests(MANIFEST)) assert.equal(manifestError(doc), undefined, `${doc.kind} ${doc.metadata?.name}`);
});

test('the type validator rejects a wrong type, a missing field and a bad enum', () => {
  const { job } = objects();
  const wrong = structuredClone(job) as unknown as { spec: Record<string, unknown> & { template: { spec: { containers: Record<string, unknown>[] } } } };
  wrong.spec.completions = 'two';
  assert.match(manifestError(wrong as never) ?? '', /completions must be integer/);
  const unnamed = structuredClone(job) as unknown as typeof wrong;
  delete unnamed.spec.template.spec.containers[0].name;
  assert.match(manifestError(unnamed as never) ?? '', /required property name/);
  const badMode = structuredClone(job) as unknown as typeof wrong;
  badMode.spec.completionMode = 'indexed';
  assert.match(manifestError(badMode as never) ?? '', /completionMode/);
});

test('an indexed Job of one GPU pod per rank, pod 0 reachable through the headless Service', () => {
  const { service, job } = objects();
  const name = job.metadata?.name;
  const pod = job.spec?.template.spec;
  const env = envOf(job);
  assert.equal(service.spec?.clusterIP, 'None');
  assert.equal(service.spec?.publishNotReadyAddresses, true);
  assert.deepEqual(service.spec?.selector, { 'batch.kubernetes.io/job-name': name });
  assert.equal(pod?.subdomain, service.metadata?.name);
  assert.equal(job.spec?.completionMode, 'Indexed');
  assert.equal(job.spec?.completions, job.spec?.parallelism);
  assert.equal(String(job.spec?.completions), env.RWP_NNODES, 'one pod per rank');
  assert.equal(env.MASTER_ADDR, `${name}-0.${service.metadata?.name}`);
  assert.ok(service.spec?.ports?.some((p) => String(p.port) === env.MASTER_PORT));
  assert.equal(env.RWP_NPROC_PER_POD ?? '1', '1');
  const c = container(job);
  assert.equal(String(c.resources?.limits?.['nvidia.com/gpu']), '1');
  assert.equal(pod?.securityContext?.runAsNonRoot, true);
  const volumes = new Map((pod?.volumes ?? []).map((v) => [v.name, v]));
  const mounted = new Map((c.volumeMounts ?? []).map((m) => [m.mountPath, volumes.get(m.name)]));
  assert.equal(mounted.get('/dev/shm')?.emptyDir?.medium, 'Memory');
  assert.ok(mounted.get('/data')?.persistentVolumeClaim);
  assert.ok(mounted.get('/runs')?.persistentVolumeClaim);
  assert.ok(mounted.get(IMAGE.env.CUDA_CACHE_PATH), "the image's CUDA_CACHE_PATH is a volume");
});

test("each pod resolves its rank from exactly the environment it gets", () => {
  const { job } = objects();
  const name = job.metadata?.name as string;
  const n = job.spec?.completions as number;
  for (let index = 0; index < n; index++) {
    // The image's ENV, the container's env, and what Kubernetes adds to every pod of the Job.
    const env = {
      ...IMAGE.env,
      ...envOf(job),
      JOB_COMPLETION_INDEX: String(index),
      HOSTNAME: `${name}-${index}`,
      KUBERNETES_SERVICE_HOST: '10.96.0.1',
      KUBERNETES_SERVICE_PORT: '443',
    };
    const id = resolveInChild(env);
    assert.deepEqual(
      [id.rank, id.worldSize, id.localRank, id.localWorldSize, id.nodeRank, id.masterAddr, id.masterPort, id.runId, id.transport, id.source],
      [index, n, 0, 1, index, `${name}-0.${name}`, 29500, name, 'tcp', 'kubernetes'],
    );
  }
});

test('rwp-train accepts the container command, which resumes and loads the recipe', (t) => {
  const { job } = objects();
  const c = container(job);
  assert.deepEqual(c.command, ['rwp-train']);
  const dir = scratchDir(t);
  const args = mapPaths(c.args ?? [], { [IMAGE_APP_DIR]: REPO_ROOT, '/runs': join(dir, 'runs'), '/data': join(dir, 'data') });
  const parsed = parseTrainArgs(args);
  assert.equal(parsed.resume, true);
  assert.equal(loadTrainConfig(parsed).data.dir, join(dir, 'data'));
  const accepted = trainerAccepts(args, CLI_PATHS['rwp-train']);
  assert.ok(accepted.accepted && accepted.help, accepted.stdout + accepted.stderr);
});
