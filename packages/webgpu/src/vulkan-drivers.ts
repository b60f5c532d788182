import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// Where the Vulkan loader looks for driver manifests on Linux (besides $XDG_* variants, which
// distributions leave at these defaults). NVIDIA's driver installs nvidia_icd.json here.
const ICD_DIRS = ['/etc/vulkan/icd.d', '/usr/share/vulkan/icd.d', '/usr/local/share/vulkan/icd.d', '/usr/local/etc/vulkan/icd.d'];

/**
 * The Vulkan driver manifests the loader would read. `auto` asks this before loading Dawn: with
 * no driver at all there is no adapter to find, and Dawn would print its loader warnings on
 * every CPU run.
 */
export function vulkanDrivers(env: NodeJS.ProcessEnv = process.env): string[] {
  const named = (env.VK_DRIVER_FILES ?? env.VK_ICD_FILENAMES ?? '').split(':').filter((p) => p !== '');
  if (named.length > 0) return named.filter((p) => existsSync(p));
  const added = (env.VK_ADD_DRIVER_FILES ?? '').split(':').filter((p) => p !== '' && existsSync(p));
  const found = ICD_DIRS.filter((d) => existsSync(d)).flatMap((d) =>
    readdirSync(d).filter((f) => f.endsWith('.json')).map((f) => join(d, f)),
  );
  return [...added, ...found];
}

/**
 * The environment that makes the Vulkan loader use exactly `drivers`, without the implicit layer
 * VK_LAYER_MESA_device_select that mesa-vulkan-drivers installs: that layer reorders the devices
 * by the display's GPU (so GPU index i would not be the i-th GPU), looks for a display (printing
 * "XDG_RUNTIME_DIR is invalid" where there is none) and crashes the process when the layer below
 * it leaves no device. Choosing a device is VK_LAYER_RWP_device_select's job here.
 */
export function vulkanEnv(drivers: string[]): Record<string, string> {
  const list = drivers.join(':');
  return { VK_ICD_FILENAMES: list, VK_DRIVER_FILES: list, NODEVICE_SELECT: '1' };
}
