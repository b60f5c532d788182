// The trainer's host kernels in the addon, without the TensorFlow.js backend: the noise
// worker thread imports this alone.
import { loadAddon, type Addon } from './addon.js';

/** The addon's perturbFilterwise (see Addon), or null where the addon is missing or broken. */
export function nativePerturbation(): Addon['perturbFilterwise'] | null {
  const loaded = loadAddon();
  return 'addon' in loaded ? loaded.addon.perturbFilterwise.bind(loaded.addon) : null;
}

/** The addon's fillNormal (see Addon), or null where the addon is missing or broken. */
export function nativeNormals(): Addon['fillNormal'] | null {
  const loaded = loadAddon();
  return 'addon' in loaded ? loaded.addon.fillNormal.bind(loaded.addon) : null;
}

/** The addon's sgdUpdate (see Addon), or null where the addon is missing or broken. */
export function nativeSgdUpdate(): Addon['sgdUpdate'] | null {
  const loaded = loadAddon();
  return 'addon' in loaded ? loaded.addon.sgdUpdate.bind(loaded.addon) : null;
}
