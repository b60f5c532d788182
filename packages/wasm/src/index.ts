export { registerWasmConvFilterGrad } from './wasm-conv-filter-grad.js';
