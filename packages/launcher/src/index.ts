export { exitWithLauncher } from './exit-with-launcher.js';
export { launch, type LaunchResult } from './launch.js';
export { LaunchError } from './errors.js';
export type { LaunchOptions, Transport } from './options.js';
