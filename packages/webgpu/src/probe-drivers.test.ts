// chooseDrivers is pure; the probe itself runs in real processes in @rwp/backend's
// webgpu-backend.test.ts (SwiftShader, mesa's drivers, and their mixes).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarizeAdapter } from './adapter-info.js';
import { chooseDrivers, type DriverProbe } from './probe-drivers.js';

const nvidia: DriverProbe = {
  driver: '/usr/share/vulkan/icd.d/nvidia_icd.json',
  adapter: summarizeAdapter({ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200' }),
  devices: ['NVIDIA H200', 'NVIDIA H200'],
};
const swiftshader: DriverProbe = {
  driver: '/usr/lib/chromium/vk_swiftshader_icd.json',
  adapter: summarizeAdapter({ vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader driver 5.0.0' }),
  devices: ['SwiftShader Device (Subzero)'],
};
const lavapipe: DriverProbe = { driver: '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json', devices: [], note: 'Vulkan shaderUniform*ArrayDynamicIndexing required' };
const intel: DriverProbe = { driver: '/usr/share/vulkan/icd.d/intel_icd.x86_64.json', devices: [], note: 'no device' };

test('a hardware driver is taken alone, whatever software drivers stand beside it', () => {
  for (const allow of [false, true]) {
    assert.deepEqual(chooseDrivers([lavapipe, swiftshader, intel, nvidia], allow), {
      ok: true,
      drivers: [nvidia.driver],
      devices: ['NVIDIA H200', 'NVIDIA H200'],
      software: false,
    });
  }
});

test('software drivers stand in for GPUs only where software is allowed', () => {
  const two = { ...swiftshader, driver: '/tmp/second_icd.json' };
  assert.deepEqual(chooseDrivers([swiftshader, lavapipe, two], true), {
    ok: true,
    drivers: [swiftshader.driver, two.driver],
    devices: ['SwiftShader Device (Subzero)', 'SwiftShader Device (Subzero)'],
    software: true,
  });
  const refused = chooseDrivers([swiftshader, lavapipe], false);
  assert.equal(refused.ok, false);
  assert.match(
    (refused as { reason: string }).reason,
    /^only a software adapter \(vendor google, architecture swiftshader .*\) \(other drivers: lvp_icd.x86_64.json: Vulkan shaderUniform\*ArrayDynamicIndexing required\)$/,
  );
});

test('no adapter at all: each driver named with what it gave, the hint last, no semicolon', () => {
  const r = chooseDrivers([lavapipe, intel], true, 'install SwiftShader');
  assert.deepEqual(r, {
    ok: false,
    reason: 'Dawn found no adapter (lvp_icd.x86_64.json: Vulkan shaderUniform*ArrayDynamicIndexing required, intel_icd.x86_64.json: no device) - install SwiftShader',
  });
  assert.ok(!r.ok && !r.reason.includes(';'));
});
