// The device-select layer in real processes: SwiftShader's Vulkan driver listed twice gives the
// loader two physical devices (two "GPUs" on a machine without one), and each child process lists
// the adapters Dawn sees under deviceSelectEnv. Needs the layer built
// (npm run build:native -w @rwp/webgpu) and Debian's chromium package for SwiftShader.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { deviceSelectEnv, DEVICE_SELECT_LAYER, DEVICE_SELECT_LAYER_DIR } from './device-select.js';
import { vulkanEnv } from './vulkan-drivers.js';

const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const skip = existsSync(ICD)
  ? false
  : `SwiftShader's Vulkan driver is not installed (${ICD}): apt-get install --no-install-recommends chromium (scripts/setup.sh does)`;

const dir = mkdtempSync(join(tmpdir(), 'rwp-vk-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// A second manifest for the same driver, its library path made absolute (the original's is
// relative to /usr/lib/chromium).
let drivers: string | undefined;
function icdFiles(): string {
  if (drivers) return drivers;
  const second = join(dir, 'swiftshader2.json');
  const manifest = JSON.parse(readFileSync(ICD, 'utf8'));
  manifest.ICD.library_path = join(dirname(ICD), manifest.ICD.library_path);
  writeFileSync(second, JSON.stringify(manifest));
  return (drivers = `${ICD}:${second}`);
}

// This environment without any Vulkan or selection setting of the caller's.
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VK_') && k !== 'RWP_VK_DEVICE' && k !== 'NODEVICE_SELECT'));
}

// The child lists the adapters its Dawn sees, with the Vulkan variables of its environment.
const namesUrl = new URL('./adapter-names.js', import.meta.url).href;
const script = `Promise.all([import(${JSON.stringify(namesUrl)}), import('webgpu')]).then(async ([m, w]) => console.log(JSON.stringify(await m.adapterNames(w.create))))`;

async function adaptersWith(device: string | undefined): Promise<{ adapters: string[]; stderr: string }> {
  const icds = icdFiles();
  const base = cleanEnv();
  const env = { ...base, ...vulkanEnv(icds.split(':')), ...(device === undefined ? {} : deviceSelectEnv(device, base)) };
  return new Promise((done, fail) => {
    execFile(process.execPath, ['-e', script], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) fail(new Error(`child for RWP_VK_DEVICE=${device} failed: ${error.message}\n${stderr}`));
      else done({ adapters: JSON.parse(stdout.trim().split('\n').pop() ?? '[]') as string[], stderr });
    });
  });
}

test('deviceSelectEnv keeps the caller’s layer path and layers, and rejects what is not a device', () => {
  const env = deviceSelectEnv('3', { VK_LAYER_PATH: '/opt/layers', VK_INSTANCE_LAYERS: 'VK_LAYER_KHRONOS_validation' });
  assert.deepEqual(env, {
    VK_LAYER_PATH: `${DEVICE_SELECT_LAYER_DIR}:/opt/layers`,
    VK_INSTANCE_LAYERS: `VK_LAYER_KHRONOS_validation:${DEVICE_SELECT_LAYER}`,
    RWP_VK_DEVICE: '3',
  });
  assert.deepEqual(deviceSelectEnv('GPU-8b1b5f3c-0d2a-4c1e-9f00-123456789abc', {}).VK_LAYER_PATH, DEVICE_SELECT_LAYER_DIR);
  assert.throws(() => deviceSelectEnv('cuda:0'), /neither a GPU index nor a GPU UUID/);
});

test('the layer shows each process only the device it names', { skip, timeout: 120_000 }, async () => {
  const bogus = 'GPU-00000000-1111-2222-3333-444444444444';
  const [none, zero, one, two, unknown] = await Promise.all([undefined, '0', '1', '2', bogus].map(adaptersWith));
  assert.deepEqual(none.adapters.length, 2, `without a selection: ${JSON.stringify(none.adapters)}`);
  assert.match(none.adapters[0], /SwiftShader/);
  assert.deepEqual(zero.adapters, [none.adapters[0]]);
  assert.deepEqual(one.adapters, [none.adapters[1]]);

  // Out of range or unknown: no adapter at all, and one line that says why.
  assert.deepEqual(two.adapters, []);
  assert.match(two.stderr, /RWP_VK_DEVICE=2 selects none of the 2 Vulkan devices/);
  assert.deepEqual(unknown.adapters, []);
  const line = unknown.stderr.split('\n').find((l) => l.includes(`RWP_VK_DEVICE=${bogus} selects none of the 2 Vulkan devices`));
  assert.ok(line, `stderr: ${unknown.stderr}`);

  // By UUID: the line lists each device's; SwiftShader gives both the same, and the first is taken.
  const uuid = /0: [^;]* (GPU-[0-9a-f-]{36})/.exec(line)?.[1];
  assert.ok(uuid, line);
  assert.deepEqual((await adaptersWith(uuid)).adapters, [none.adapters[0]]);
});
