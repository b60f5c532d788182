export { startWebgpu, type StartOptions, type WebgpuStart } from './start-webgpu.js';
export { describeAdapter, summarizeAdapter, type AdapterSummary } from './adapter-info.js';
export { swiftshaderIcd, withVulkanDriver, SWIFTSHADER_HINT } from './swiftshader.js';
export { vulkanDrivers } from './vulkan-drivers.js';
export { deviceSelectEnv, listAdapters, DEVICE_SELECT_LAYER } from './device-select.js';
