import { existsSync } from 'node:fs';

// Debian's chromium package ships SwiftShader's Vulkan driver: a WebGPU adapter on a machine
// without a GPU (slow; for correctness only). Dawn refuses Debian's own lavapipe.
const CANDIDATES = ['/usr/lib/chromium/vk_swiftshader_icd.json'];

/** The SwiftShader Vulkan manifest installed here, if any. */
export function swiftshaderIcd(): string | undefined {
  return CANDIDATES.find((p) => existsSync(p));
}

export const SWIFTSHADER_HINT =
  'on a machine without a GPU, SwiftShader gives an adapter: apt-get install --no-install-recommends chromium, ' +
  'then VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * `env` with a Vulkan driver for WebGPU: the one it names already, else SwiftShader. For tests
 * and checks that must run WebGPU on any machine; they fail, never skip, without a driver.
 */
export function withVulkanDriver(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES) return env;
  const icd = swiftshaderIcd();
  if (icd === undefined) throw new Error(`no Vulkan driver for WebGPU: ${SWIFTSHADER_HINT} (scripts/setup.sh installs it)`);
  return { ...env, VK_ICD_FILENAMES: icd };
}
