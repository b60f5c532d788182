// The WebGPU adapters this host shows Dawn, driver by driver, and the one a worker gets: the
// first step of gpu-check.sh. Prints one JSON object; exits 1, saying why, when there is no adapter.
import { gpuFromEnv } from '@rwp/process-group';
import { describeAdapter, describeProbes, probeDrivers, startWebgpu, vulkanDrivers } from '@rwp/webgpu';

const drivers = describeProbes(await probeDrivers(vulkanDrivers()));
const r = await startWebgpu({ allowSoftware: true, device: gpuFromEnv() });
if (!r.ok) {
  console.log(JSON.stringify({ ok: false, reason: r.reason, drivers }));
  console.error(`gpu-adapter: no WebGPU adapter: ${r.reason}`);
  process.exit(1);
}
console.log(JSON.stringify({ ok: true, adapter: r.adapter, description: describeAdapter(r.adapter), drivers }));
