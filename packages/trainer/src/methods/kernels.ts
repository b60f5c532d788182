// The host kernels that do the methods' maths, each in JS and in the native addon
// (@rwp/native), and the one place where a run's implementation is chosen. The two give the same
// bits (methods.test.ts runs every method's step both ways, *-native.test.ts each kernel), so a
// run may mix ranks with and without the addon.
import { nativeNormals, nativePerturbation, nativeSamAscent, nativeSgdUpdate } from '@rwp/native/host-kernels';
import type { NormalKernel } from '@rwp/random';
import { perturbedWeights, type PerturbedWeights } from '../perturbation.js';
import { samAscentWeights } from '../sam.js';
import { sgdUpdate } from '../sgd.js';

/** Every host kernel behind its JS twin's signature. */
export interface KernelSet {
  sgdUpdate: typeof sgdUpdate;
  /** w + e, SAM's ascent point, into `out`. */
  samAscent: (w: Float32Array, g: Float32Array, rho: number, adaptive: boolean, out: Float32Array) => void;
  perturbFilterwise: PerturbedWeights;
  /** The normals of a perturbation (drawn in NoiseSource's worker thread); undefined: RandomStream's JS. */
  fillNormal: NormalKernel | undefined;
}

export type KernelName = keyof KernelSet;

/** 'native': the addon's kernel where it is built (JS where not); 'js': always JS. */
export type KernelChoice = 'native' | 'js';

const KERNELS: { [K in KernelName]: { js: KernelSet[K]; native: () => KernelSet[K] | null } } = {
  // ~4x faster than JS: 2.4 -> 0.6 ms for the cnn.
  sgdUpdate: {
    js: sgdUpdate,
    native: () => {
      const k = nativeSgdUpdate();
      return k && ((w, g, buf, h, first) => k(w, g, buf, h.lr, h.momentum, h.weightDecay, first));
    },
  },
  // 2.5-4 -> 0.65 ms for the cnn.
  samAscent: { js: samAscentWeights, native: nativeSamAscent },
  // ~12x faster in a 2-rank run: 8.5 -> 0.7 ms for the cnn.
  perturbFilterwise: {
    js: perturbedWeights,
    native: () => {
      const k = nativePerturbation();
      return k && ((values, shape, gamma, z, out, factors) => {
        k(values, z, out, shape.length >= 2 ? shape[shape.length - 1] : 0, gamma, factors ?? null);
        return out;
      });
    },
  },
  // ~1.8 ms for the cnn's 421,642 weights against ~4.7 in JS.
  fillNormal: { js: undefined, native: nativeNormals },
};

/** The implementation of kernel `name` that `choice` asks for. */
export function pickKernel<K extends KernelName>(name: K, choice: KernelChoice): KernelSet[K] {
  const kernel = KERNELS[name];
  return (choice === 'native' ? kernel.native() : null) ?? kernel.js;
}

/** A method's kernels: those it lists as `choice` asks, the others (which it never calls) in JS. */
export function kernelsFor(listed: readonly KernelName[], choice: KernelChoice): KernelSet {
  const pick = <K extends KernelName>(name: K) => pickKernel(name, listed.includes(name) ? choice : 'js');
  return { sgdUpdate: pick('sgdUpdate'), samAscent: pick('samAscent'), perturbFilterwise: pick('perturbFilterwise'), fillNormal: pick('fillNormal') };
}
