/** The training methods, as config files and summaries name them. */
export const METHOD_NAMES = Object.freeze(['sgd', 'sam', 'rwp', 'arwp'] as const);

export type MethodName = (typeof METHOD_NAMES)[number];

/** RWP and ARWP: clean and perturbed passes, split over ranks or in sequence in one process. */
export function isRandomPerturbation(name: MethodName): boolean {
  return name === 'rwp' || name === 'arwp';
}
