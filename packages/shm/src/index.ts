export { addonPath, sharedMemory, sharedMemoryMissing, type SharedMemory } from './addon.js';
export { removeRunRegions, shmPrefixFor } from './run-regions.js';
