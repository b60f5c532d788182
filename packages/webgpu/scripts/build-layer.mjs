// Builds the Vulkan layer VK_LAYER_RWP_device_select (build/libVkLayer_rwp_device_select.so, from
// csrc/device_select_layer.c) and its manifest (build/VkLayer_rwp_device_select.json), with the
// system C compiler and the Vulkan headers (Debian/Ubuntu: apt-get install gcc libvulkan-dev).
// Where something is missing it says what and exits 0: installing must not fail, and without the
// layer the WebGPU backend still runs, but only on one GPU per host. Set CC for another compiler.
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const library = 'libVkLayer_rwp_device_select.so';
const target = join(root, 'build', library);
const manifest = join(root, 'build', 'VkLayer_rwp_device_select.json');
const cc = process.env.CC || 'gcc';

function skip(reason) {
  // No layer rather than one that does not match these sources.
  rmSync(target, { force: true });
  rmSync(manifest, { force: true });
  console.warn(`@rwp/webgpu: device-select layer not built: ${reason}`);
  console.warn('@rwp/webgpu: WebGPU workers cannot be given one GPU each (deviceSelectEnv throws).');
  process.exit(0);
}

if (spawnSync(cc, ['--version']).status !== 0) skip(`no C compiler (${cc}); install gcc`);
mkdirSync(dirname(target), { recursive: true });
// Link beside the target and rename, so that a starting process never loads a partial file.
// -z defs: an unresolved symbol fails here rather than when the loader opens the layer.
const tmp = `${target}.tmp`;
const args = ['-std=gnu11', '-O2', '-fPIC', '-shared', '-fvisibility=hidden', '-Wall', '-Wextra', '-Werror', '-Wl,-z,defs',
  join(root, 'csrc', 'device_select_layer.c'), '-o', tmp, '-lpthread'];
const built = spawnSync(cc, args, { encoding: 'utf8' });
if (built.status !== 0) {
  rmSync(tmp, { force: true });
  if (/vulkan\/vk_layer\.h: No such file/.test(built.stderr)) skip('Vulkan headers not found; install libvulkan-dev');
  process.stderr.write(built.stderr);
  skip('compiling csrc/device_select_layer.c failed (errors above)');
}
renameSync(tmp, target);
// The loader finds the layer by this manifest, in a directory named by VK_LAYER_PATH; the library
// path is relative to the manifest. Interface 2 is negotiated in code, so no "functions" entry.
writeFileSync(manifest, `${JSON.stringify({
  file_format_version: '1.1.2',
  layer: {
    name: 'VK_LAYER_RWP_device_select',
    type: 'INSTANCE',
    library_path: `./${library}`,
    api_version: '1.3.0',
    implementation_version: '1',
    description: 'rwp: only the physical device named by RWP_VK_DEVICE (index in PCI order, or GPU UUID)',
  },
}, null, 2)}\n`);
console.log(`@rwp/webgpu: built ${target}`);
