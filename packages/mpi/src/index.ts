export { addonPath, missingAddonMessage, mpi, mpiMissing, type Mpi, type MpiWorld } from './addon.js';
