// The WebGPU adapters this host shows Dawn, and the one a worker gets: the first step of
// gpu-check.sh. Prints one JSON object; exits 1, saying why, when there is no adapter.
import { gpuFromEnv } from '@rwp/process-group';
import { describeAdapter, listAdapters, startWebgpu } from '@rwp/webgpu';

const adapters = await listAdapters().catch((e: Error) => [`(listing failed: ${e.message.split('\n')[0]})`]);
const r = await startWebgpu({ allowSoftware: true, device: gpuFromEnv() });
if (!r.ok) {
  console.log(JSON.stringify({ ok: false, reason: r.reason, adapters }));
  console.error(`gpu-adapter: no WebGPU adapter: ${r.reason}`);
  process.exit(1);
}
console.log(JSON.stringify({ ok: true, adapter: r.adapter, description: describeAdapter(r.adapter), adapters }));
