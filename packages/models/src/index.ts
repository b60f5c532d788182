export { ARCHS, type Arch, type ModelSpec } from './spec.js';
export { buildModel, countParams } from './build.js';
