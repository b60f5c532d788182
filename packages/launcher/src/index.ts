export { launch, type LaunchResult } from './launch.js';
export { LaunchError } from './errors.js';
export type { LaunchOptions } from './settings/options.js';
