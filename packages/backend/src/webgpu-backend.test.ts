import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withVulkanDriver } from '@rwp/webgpu';

const script = fileURLToPath(new URL('./testing/choose-backend.js', import.meta.url));

function choose(backend: string, env: NodeJS.ProcessEnv): Record<string, any> {
  return JSON.parse(execFileSync(process.execPath, [script, backend], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
}

// SwiftShader here; on a GPU host the same tests run on whatever driver VK_ICD_FILENAMES names.
const software = withVulkanDriver();
const noDriver = { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json' };

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
  assert.match(r.error, /^backend webgpu: webgpu Dawn found no adapter .*VK_ICD_FILENAMES=\/usr\/lib\/chromium\/vk_swiftshader_icd.json/);
});

test('auto does not load Dawn when no Vulkan driver is installed', () => {
  const r = choose('auto', noDriver);
  assert.match(r.choice.reason, /; webgpu not tried: no Vulkan driver is installed;/);
});

test('a worker given RWP_GPU runs on that Vulkan device alone; a device the host lacks is an error naming the rank', (t) => {
  // Two SwiftShader drivers give two adapters of the same name, as the GPUs of one host are.
  const icd = software.VK_ICD_FILENAMES!;
  const dir = mkdtempSync(join(tmpdir(), 'rwp-icd-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const manifest = JSON.parse(readFileSync(icd, 'utf8'));
  manifest.ICD.library_path = resolve(dirname(icd), manifest.ICD.library_path);
  const second = join(dir, 'second_icd.json');
  writeFileSync(second, JSON.stringify(manifest));
  const two = { ...software, VK_ICD_FILENAMES: `${icd}:${second}` };
  const r = choose('webgpu', { ...two, RWP_GPU: '1', RANK: '1' });
  assert.equal(r.error, undefined, r.error);
  assert.equal(r.active, 'webgpu');
  assert.match(r.choice.reason, /^requested: webgpu on GPU 1 \(RWP_GPU, from rwp-launch --gpus\): vendor /);
  const missing = choose('webgpu', { ...two, RWP_GPU: '2', RANK: '3' });
  assert.equal(missing.error, "backend webgpu: webgpu rank 3: GPU 2 (RWP_GPU, from rwp-launch --gpus) is not among this host's Vulkan devices (the layer's line on stderr lists them)");
});
