/** The training methods, as config files and summaries name them. */
export const METHOD_NAMES = Object.freeze(['sgd', 'sam', 'rwp'] as const);

export type MethodName = (typeof METHOD_NAMES)[number];
