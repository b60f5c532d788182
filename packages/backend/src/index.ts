export { BACKEND_NAMES, type BackendName } from './backend-names.js';
export { initBackend, type BackendChoice, type InitBackendOptions } from './init-backend.js';
