import { existsSync } from 'node:fs';
import { vulkanDrivers, vulkanEnv } from './vulkan-drivers.js';

// Debian's chromium package ships SwiftShader's Vulkan driver: a WebGPU adapter on a machine
// without a GPU (slow; for correctness only). Dawn refuses Debian's own lavapipe.
const CANDIDATES = ['/usr/lib/chromium/vk_swiftshader_icd.json'];

/** The SwiftShader Vulkan manifest installed here, if any. */
function swiftshaderIcd(): string | undefined {
  return CANDIDATES.find((p) => existsSync(p));
}

export const SWIFTSHADER_HINT =
  'on a machine without a GPU, SwiftShader gives an adapter: apt-get install --no-install-recommends chromium, ' +
  'then VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * `env` pinned to a Vulkan driver for WebGPU: the drivers it names already (a GPU host's CI names
 * its vendor's), else SwiftShader, never whatever else the machine has installed. For tests and
 * checks that must run WebGPU on any machine; they fail, never skip, without a driver.
 */
export function withVulkanDriver(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const named = vulkanDrivers(env);
  if ((env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES) && named.length > 0) return { ...env, ...vulkanEnv(named) };
  const icd = swiftshaderIcd();
  if (icd === undefined) throw new Error(`no Vulkan driver for WebGPU: ${SWIFTSHADER_HINT} (scripts/setup.sh installs it)`);
  return { ...env, ...vulkanEnv([icd]) };
}
