// The trainer's host kernels in the addon, without the TensorFlow.js backend: the noise worker
// thread imports this alone. Each gives the same bits as its JS twin in the trainer (tested there).
import { loadAddon, type Addon } from './addon.js';

type HostKernel = 'perturbFilterwise' | 'fillNormal' | 'sgdUpdate' | 'samAscent';

function hostKernel<K extends HostKernel>(name: K): Addon[K] | null {
  const loaded = loadAddon();
  return 'addon' in loaded ? (loaded.addon[name].bind(loaded.addon) as Addon[K]) : null;
}

/** The addon's perturbFilterwise (see Addon), or null where the addon is missing or broken. */
export const nativePerturbation = () => hostKernel('perturbFilterwise');
/** The addon's fillNormal, or null. */
export const nativeNormals = () => hostKernel('fillNormal');
/** The addon's sgdUpdate, or null. */
export const nativeSgdUpdate = () => hostKernel('sgdUpdate');
/** The addon's samAscent, or null. */
export const nativeSamAscent = () => hostKernel('samAscent');
