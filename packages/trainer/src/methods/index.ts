// The registry of training methods: the one list the config schema (method.name), the run plan,
// the stepper and the report (through @rwp/trainer/methods) read. Nothing here loads
// TensorFlow.js: the stepper hands each method its passes (method.ts).
import { arwp } from './arwp.js';
import type { Method } from './method.js';
import { rwp } from './rwp.js';
import { sam } from './sam.js';
import { sgd } from './sgd.js';
import { perturbedCount } from '../roles.js';

const REGISTRY = { sgd, sam, rwp, arwp } satisfies Record<string, Method>;

/** The training methods, as config files and summaries name them. */
export type MethodName = keyof typeof REGISTRY;

export const METHOD_NAMES = Object.freeze(Object.keys(REGISTRY) as MethodName[]);

export function methodNamed(name: MethodName): Method {
  return REGISTRY[name];
}

/** Whether `name` (as a summary.json may hold it) is a method of clean and perturbed passes on batches of their own (Method.randomPerturbation). */
export function isRandomPerturbation(name: string): boolean {
  return Object.hasOwn(REGISTRY, name) && REGISTRY[name as MethodName].randomPerturbation;
}

/**
 * The data shards a step reads (`replicas`) and how many of them take clean passes (`clean`):
 * the world's ranks, or for a random-perturbation method in one process its two batches in
 * sequence, one clean. An SGD epoch's worth of optimizer steps reads replicas / clean epochs of data.
 */
export function replicasOf(name: string, worldSize: number, perturbedRanks: number | null): { replicas: number; clean: number } {
  if (!isRandomPerturbation(name)) return { replicas: worldSize, clean: worldSize };
  if (worldSize === 1) return { replicas: 2, clean: 1 };
  return { replicas: worldSize, clean: worldSize - perturbedCount({ worldSize, perturbedRanks }) };
}

/** The doc of `method.name`: every method with what its own doc says. */
export function methodNamesDoc(): string {
  const parts = METHOD_NAMES.map((name) => `\`${name}\`${REGISTRY[name].doc}`);
  return `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}.`;
}
