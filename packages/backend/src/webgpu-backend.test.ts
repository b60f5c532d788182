import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vulkanEnv, withVulkanDriver } from '@rwp/webgpu';

const script = fileURLToPath(new URL('./testing/choose-backend.js', import.meta.url));

/** The child's choice as JSON, with what it wrote to stderr (native libraries write there). */
function choose(backend: string, env: NodeJS.ProcessEnv): Record<string, any> {
  const r = spawnSync(process.execPath, [script, backend], { env, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `the child ended by ${r.signal ?? `exit code ${r.status}`}: ${r.stderr}`);
  return { ...JSON.parse(r.stdout), stderr: r.stderr };
}

// The drivers mesa-vulkan-drivers installs (libvulkan1 recommends it, so most hosts have it, GPU
// hosts included): lavapipe, which Dawn refuses, and Intel's and Radeon's, which find no device here.
const MESA_DIR = '/usr/share/vulkan/icd.d';
const MESA = ['lvp_icd.x86_64.json', 'intel_icd.x86_64.json', 'radeon_icd.x86_64.json'].map((f) => join(MESA_DIR, f));
const LAVAPIPE = MESA[0];
// setup.sh installs them, so CI always runs these; a host without them (a GPU host may have only
// its vendor's driver) skips, naming the package.
const mesa = {
  skip: MESA.every((f) => existsSync(f)) ? false : `mesa's Vulkan drivers are not installed (${MESA.join(', ')}): apt-get install mesa-vulkan-drivers`,
};

/** A second manifest of the driver `icd` names (two "GPUs" of one name, as the GPUs of one host are). */
function secondManifest(icd: string, dir: string): string {
  const manifest = JSON.parse(readFileSync(icd, 'utf8'));
  manifest.ICD.library_path = resolve(dirname(icd), manifest.ICD.library_path);
  const second = join(dir, 'second_icd.json');
  writeFileSync(second, JSON.stringify(manifest));
  return second;
}

// SwiftShader here; on a GPU host the same tests run on whatever driver VK_ICD_FILENAMES names.
const software = withVulkanDriver();
const noDriver = { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json' };

/** The environment rwp-launch gives the worker of this rank (of 4) and its GPU. */
function worker(rank: number, gpu: string): NodeJS.ProcessEnv {
  return { RANK: String(rank), LOCAL_RANK: String(rank), WORLD_SIZE: '4', LOCAL_WORLD_SIZE: '4', MASTER_ADDR: '127.0.0.1', MASTER_PORT: '29500', RWP_GPU: gpu };
}

test('backend webgpu runs on the adapter there is, computes, and warns when it is a software one', () => {
  const r = choose('webgpu', software);
  assert.equal(r.error, undefined, r.error);
  assert.equal(r.choice.name, 'webgpu');
  assert.equal(r.active, 'webgpu', 'the active tfjs backend is webgpu, not a fallback');
  assert.equal(r.sum, 14);
  assert.match(r.choice.reason, /^requested: webgpu on vendor \S+, architecture \S+/);
  if (/swiftshader/.test(r.choice.reason)) {
    assert.ok(r.lines.some((l: string) => /warning: .* is a software adapter/.test(l)), r.lines.join('\n'));
  }
});

test('auto passes over a software adapter and says why', { skip: software.VK_ICD_FILENAMES?.includes('swiftshader') ? false : 'a driver other than SwiftShader is named' }, () => {
  const r = choose('auto', software);
  assert.notEqual(r.choice.name, 'webgpu');
  assert.match(r.choice.reason, /; webgpu only a software adapter \(vendor google, architecture swiftshader/);
  assert.ok(r.lines.some((l: string) => l.startsWith('backend auto: skipping webgpu only a software adapter')), r.lines.join('\n'));
});

test('backend webgpu without an adapter is an error that says how to get one', () => {
  const r = choose('webgpu', noDriver);
  assert.match(r.error, /^backend webgpu: webgpu Dawn found no adapter: no Vulkan driver is installed - .*VK_ICD_FILENAMES=\/usr\/lib\/chromium\/vk_swiftshader_icd.json/);
});

test('auto does not load Dawn when no Vulkan driver is installed', () => {
  const r = choose('auto', noDriver);
  assert.match(r.choice.reason, /; webgpu not tried: no Vulkan driver is installed;/);
});

test('auto on mesa’s drivers alone says in one line what each gave, and nothing native reaches stderr', mesa, () => {
  const r = choose('auto', { ...process.env, ...vulkanEnv(MESA), NODEVICE_SELECT: '' });
  assert.notEqual(r.choice.name, 'webgpu');
  assert.match(r.choice.reason, /; webgpu Dawn found no adapter \(lvp_icd.x86_64.json: Vulkan shaderUniform\*ArrayDynamicIndexing required, intel_icd.x86_64.json: no device, radeon_icd.x86_64.json: no device\); /);
  assert.equal(r.lines.filter((l: string) => l.startsWith('backend auto: skipping webgpu')).length, 1, r.lines.join('\n'));
  assert.equal(r.stderr, '');
});

test('auto with SwiftShader beside mesa’s drivers passes over both, naming them, with a clean stderr', mesa, () => {
  const r = choose('auto', { ...process.env, ...vulkanEnv([...MESA, software.VK_ICD_FILENAMES!]) });
  assert.notEqual(r.choice.name, 'webgpu');
  assert.match(r.choice.reason, /; webgpu only a software adapter \(vendor google, architecture swiftshader [^;]*\) \(other drivers: lvp_icd.x86_64.json: Vulkan shaderUniform/);
  assert.equal(r.stderr, '');
});

test('a worker given RWP_GPU runs on that Vulkan device alone; a device the host lacks is an error naming the rank', (t) => {
  const icd = software.VK_ICD_FILENAMES!;
  const dir = mkdtempSync(join(tmpdir(), 'rwp-icd-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const two = { ...software, ...vulkanEnv([icd, secondManifest(icd, dir)]) };
  const r = choose('webgpu', { ...two, ...worker(1, '1') });
  assert.equal(r.error, undefined, r.error);
  assert.equal(r.active, 'webgpu');
  assert.match(r.choice.reason, /^requested: webgpu on GPU 1 \(RWP_GPU, from rwp-launch --gpus\): vendor /);
  const missing = choose('webgpu', { ...two, ...worker(3, '2') });
  assert.equal(
    missing.error,
    "backend webgpu: webgpu rank 3: GPU 2 (RWP_GPU, from rwp-launch --gpus) is not among this host's 2 software stand-ins for GPUs " +
      '(0: SwiftShader Device (Subzero), 1: SwiftShader Device (Subzero))',
  );
});

test('GPU index i skips drivers Dawn cannot use: SwiftShader, lavapipe and a second SwiftShader are GPUs 0 and 1', mesa, (t) => {
  const icd = software.VK_ICD_FILENAMES!;
  const dir = mkdtempSync(join(tmpdir(), 'rwp-icd-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // Mesa's device-select layer stays enabled in this environment: the worker turns it off itself.
  const mixed = { ...process.env, ...vulkanEnv([icd, LAVAPIPE, secondManifest(icd, dir)]), NODEVICE_SELECT: '' };
  for (const gpu of ['0', '1']) {
    const r = choose('webgpu', { ...mixed, ...worker(Number(gpu), gpu) });
    assert.equal(r.error, undefined, r.error);
    assert.equal(r.active, 'webgpu', 'GPU 1 is the second SwiftShader, not lavapipe (which Dawn refuses)');
    assert.equal(r.sum, 14);
    assert.doesNotMatch(r.stderr, /XDG_RUNTIME_DIR|shaderUniform|Warning/);
  }
  const missing = choose('webgpu', { ...mixed, ...worker(2, '2') });
  assert.match(missing.error, /rank 2: GPU 2 .* is not among this host's 2 software stand-ins for GPUs \(0: SwiftShader Device \(Subzero\), 1: SwiftShader Device \(Subzero\)\)$/);
  assert.doesNotMatch(missing.stderr, /XDG_RUNTIME_DIR|shaderUniform/);
});
