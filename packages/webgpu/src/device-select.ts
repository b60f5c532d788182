// One GPU per worker for the WebGPU backend. Dawn's Node binding picks the first adapter whose
// name matches, and the GPUs of one host usually share a name, so the choice is made a level
// lower: the Vulkan layer VK_LAYER_RWP_device_select (csrc/device_select_layer.c) hides every
// physical device but the one in RWP_VK_DEVICE.
//
// The Vulkan loader reads these variables when Dawn creates its Vulkan instance, so they must be
// in process.env (or in a child's environment) before anything in the process creates a Dawn GPU
// (webgpu's create()); setting them afterwards changes nothing for that process.
import { existsSync } from 'node:fs';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEVICE_SELECT_LAYER = 'VK_LAYER_RWP_device_select';
/** Where scripts/build-layer.mjs puts the layer and its manifest. */
export const DEVICE_SELECT_LAYER_DIR = fileURLToPath(new URL('../build', import.meta.url));
const MANIFEST = 'VkLayer_rwp_device_select.json';

function withEntry(list: string | undefined, entry: string, first: boolean): string {
  const items = (list ?? '').split(delimiter).filter((x) => x !== '' && x !== entry);
  return (first ? [entry, ...items] : [...items, entry]).join(delimiter);
}

/**
 * The environment variables that show Vulkan (and so Dawn) only `device`: an index in PCI-bus
 * order (nvidia-smi's numbering), or a GPU UUID as `nvidia-smi -L` prints it (GPU-xxxxxxxx-...).
 * VK_LAYER_PATH gets the layer's directory first and VK_INSTANCE_LAYERS the layer last, keeping
 * what `base` has (the loader reads VK_LAYER_PATH instead of its default directories, so other
 * explicit layers must then be in VK_LAYER_PATH too). A device that does not exist leaves the
 * process no adapter, and the layer says on stderr which devices there are.
 */
export function deviceSelectEnv(device: string, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  if (!/^(\d+|(GPU-)?[0-9a-fA-F-]{32,})$/.test(device)) {
    throw new Error(`deviceSelectEnv: '${device}' is neither a GPU index nor a GPU UUID (GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)`);
  }
  if (!existsSync(`${DEVICE_SELECT_LAYER_DIR}/${MANIFEST}`)) {
    throw new Error(
      `the Vulkan layer ${DEVICE_SELECT_LAYER} is not built (no ${MANIFEST} in ${DEVICE_SELECT_LAYER_DIR}): ` +
        'run npm run build:native -w @rwp/webgpu (needs gcc and libvulkan-dev)',
    );
  }
  return {
    VK_LAYER_PATH: withEntry(base.VK_LAYER_PATH, DEVICE_SELECT_LAYER_DIR, true),
    VK_INSTANCE_LAYERS: withEntry(base.VK_INSTANCE_LAYERS, DEVICE_SELECT_LAYER, false),
    RWP_VK_DEVICE: device,
  };
}
