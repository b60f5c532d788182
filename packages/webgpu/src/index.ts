export { startWebgpu, type StartOptions, type WebgpuStart } from './start-webgpu.js';
export { describeAdapter, summarizeAdapter, type AdapterSummary } from './adapter-info.js';
export { withVulkanDriver, SWIFTSHADER_HINT } from './swiftshader.js';
export { vulkanDrivers, vulkanEnv } from './vulkan-drivers.js';
export { probeDrivers, describeProbes, type DriverProbe } from './probe-drivers.js';
export { countGpuCalls, type GpuCallCounts } from './gpu-call-counts.js';
export { deviceSelectEnv, DEVICE_SELECT_LAYER } from './device-select.js';
