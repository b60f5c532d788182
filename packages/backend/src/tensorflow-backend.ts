import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { failed, type Failed, type Loaded } from './attempt.js';
import { findPackageDir, importOptional } from './optional-module.js';

export type TensorflowPackage = '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu';

const INSTALL_HINT = 'its install downloads libtensorflow; see DEVELOPERS.md';

/** The install script leaves the addon at lib/napi-v<N>/tfjs_binding.node next to libtensorflow. */
function hasAddon(packageDir: string): boolean {
  const lib = join(packageDir, 'lib');
  return existsSync(lib) && readdirSync(lib).some((d) => existsSync(join(lib, d, 'tfjs_binding.node')));
}

export function tensorflowInstalled(pkg: TensorflowPackage): boolean {
  return findPackageDir(pkg) !== undefined;
}

/** Whether the package is installed complete, with the addon its install script downloads. */
export function tensorflowAddonPresent(pkg: TensorflowPackage): boolean {
  const dir = findPackageDir(pkg);
  return dir !== undefined && hasAddon(dir);
}

/** Loads a TensorFlow binding and makes its "tensorflow" backend current; `onGpu` is its own check. */
export async function loadTensorflow(pkg: TensorflowPackage): Promise<(Loaded & { onGpu: boolean }) | Failed> {
  const dir = findPackageDir(pkg);
  if (dir === undefined) return failed(pkg, 'not installed', INSTALL_HINT);
  // Checked before importing: even a failing import registers the package's kernels and the
  // backends of @tensorflow/tfjs, and a second binding would then register them all again.
  if (!hasAddon(dir)) return failed(pkg, 'installed without its native addon', INSTALL_HINT);
  const imported = await importOptional(pkg);
  if (!imported.ok) return failed(pkg, `failed to load: ${imported.message}`);
  if (!(await tf.setBackend('tensorflow'))) return failed(pkg, 'loaded, but its tensorflow backend failed to start');
  const onGpu = (tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === true;
  return {
    ok: true,
    tfBackend: tf.getBackend(),
    // TensorFlow sizes its own thread pools, one thread per core by default.
    threads: availableParallelism(),
    detail: `${pkg} loaded, TensorFlow on ${onGpu ? 'GPU' : 'CPU'}`,
    onGpu,
  };
}
