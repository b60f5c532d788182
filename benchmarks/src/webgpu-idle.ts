// Does a webgpu worker burn CPU while it waits? Dawn's Node binding was seen spinning ~1.1 cores
// after requestDevice() on NVIDIA hosts (dawn-gpu/node-webgpu #17), which would take a core from
// every rank's data pipeline. This measures the process's CPU seconds per wall second over quiet
// spans: Node alone, after the device is up, after training-like work (kernels run and read
// back), and while the event loop waits on a socket that never answers (what a rank blocked in
// an allreduce does). On a host without a GPU it runs on SwiftShader.
//
//   node benchmarks/dist/webgpu-idle.js [--seconds 5] [--json]
import { createServer, connect, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { describeAdapter, probeDrivers, startWebgpu, vulkanDrivers, withVulkanDriver } from '@rwp/webgpu';

const { values: opts } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, json: { type: 'boolean', default: false } } });
const seconds = Number(opts.seconds);
if (!(seconds > 0)) {
  console.error(`webgpu-idle: --seconds must be positive, got ${opts.seconds}`);
  process.exit(2);
}

/** CPU seconds (user + system) this process used per wall second while `wait` ran. */
async function cpuPerWall(wait: () => Promise<void>): Promise<number> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  await wait();
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1e6 / ((performance.now() - t) / 1000);
}

const sleep = () => new Promise<void>((r) => setTimeout(r, seconds * 1000));

/** Waits on a connected socket that sends nothing, as a rank waits for its ring neighbour. */
async function blockedOnSocket(): Promise<void> {
  const peers: Socket[] = [];
  const server = createServer((s) => peers.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const client = connect(port, '127.0.0.1');
  await new Promise<void>((r) => client.once('connect', r));
  await new Promise<void>((r) => {
    const timer = setTimeout(r, seconds * 1000);
    client.once('data', () => clearTimeout(timer));
  });
  client.destroy();
  peers.forEach((p) => p.destroy());
  server.close();
}

const rows: { phase: string; cpu_s_per_wall_s: number }[] = [];
const measure = async (phase: string, wait: () => Promise<void>) => rows.push({ phase, cpu_s_per_wall_s: await cpuPerWall(wait) });

await measure('node alone, before Dawn', sleep);
// A GPU where the host has one; else SwiftShader.
const hardware = (await probeDrivers(vulkanDrivers())).some((p) => p.adapter && !p.adapter.software);
if (!hardware) Object.assign(process.env, withVulkanDriver());
const started = await startWebgpu({ allowSoftware: true });
if (!started.ok) {
  console.error(`webgpu-idle: no WebGPU adapter: ${started.reason}`);
  process.exit(1);
}
await tf.setBackend('webgpu');
await measure('device up, no work yet', sleep);
const x = tf.randomNormal([256, 256]);
for (let i = 0; i < 5; i++) await tf.tidy(() => tf.sum(tf.relu(tf.matMul(x, x)))).data();
await measure('after kernels and a readback', sleep);
await measure('blocked on a socket (as in an allreduce)', blockedOnSocket);

const adapter = describeAdapter(started.adapter);
if (opts.json) for (const r of rows) console.log(JSON.stringify({ adapter, seconds, ...r }));
else {
  console.log(`webgpu-idle on ${adapter}, ${seconds} s a phase: CPU seconds per wall second`);
  for (const r of rows) console.log(`  ${r.phase.padEnd(42)} ${r.cpu_s_per_wall_s.toFixed(3)}`);
}
// Dawn's device keeps the process alive; the numbers are out.
process.exit(0);
