// Run by probe-drivers.ts in a child process, never imported: asks Dawn, one Vulkan driver
// manifest at a time, which adapters it gets. Whatever Dawn and the drivers print lands on this
// process's stderr, which the parent reads instead of the user's terminal. The loader reads the
// driver variables at each instance, so one process serves every manifest.
import { create } from 'webgpu';
import { adapterNames } from './adapter-names.js';
import type { AdapterInfoLike } from './adapter-info.js';
import { vulkanEnv } from './vulkan-drivers.js';

for (const [index, driver] of process.argv.slice(2).entries()) {
  // The marker splits stderr by manifest; pipes are written synchronously on Linux, in order with Dawn's own writes.
  process.stderr.write(`\n@@rwp-probe ${index}\n`);
  Object.assign(process.env, vulkanEnv([driver]));
  let info: AdapterInfoLike | null = null;
  let devices: string[] = [];
  try {
    const adapter = await create([]).requestAdapter({ powerPreference: 'high-performance' });
    info = adapter ? adapter.info : null;
    if (adapter) devices = await adapterNames(create);
  } catch (err) {
    process.stderr.write(`Warning: ${(err as Error).message.split('\n')[0]}\n`);
  }
  const plain = info && { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description, isFallbackAdapter: info.isFallbackAdapter };
  process.stdout.write(`${JSON.stringify({ index, info: plain, devices })}\n`);
}
