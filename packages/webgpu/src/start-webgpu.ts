// Brings up Dawn (the `webgpu` package) and registers tfjs's WebGPU backend on the adapter
// this process was given. The backend is registered on a device we requested ourselves, so the
// adapter the log names is the one that computes.
import * as tf from '@tensorflow/tfjs-core';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { describeAdapter, summarizeAdapter, type AdapterInfoLike, type AdapterSummary } from './adapter-info.js';
import { deviceSelectEnv } from './device-select.js';
import { chooseDrivers, probeDrivers } from './probe-drivers.js';
import { SWIFTSHADER_HINT } from './swiftshader.js';
import { vulkanDrivers, vulkanEnv } from './vulkan-drivers.js';

/** The parts of Dawn's GPUAdapter used here. */
interface Adapter {
  info: AdapterInfoLike;
  features: ReadonlySet<string>;
  limits: Record<string, number>;
  requestDevice(desc: { requiredFeatures: string[]; requiredLimits: Record<string, number> }): Promise<Device>;
}
interface Device {
  lost: Promise<{ reason: string; message: string }>;
}
interface Dawn {
  create(flags: string[]): { requestAdapter(opts?: { powerPreference?: string }): Promise<Adapter | null> };
  globals: object;
}

export type WebgpuStart =
  | { ok: true; adapter: AdapterSummary; detail: string }
  | { ok: false; reason: string; adapter?: AdapterSummary };

export interface StartOptions {
  /** `auto` wants a GPU: a software adapter is refused. Asked for by name, it is taken (with a warning). */
  allowSoftware: boolean;
  /** Extra Dawn flags (`backend=vulkan`, `adapter=NAME`). */
  flags?: string[];
  /** This worker's GPU (rwp-launch sets RWP_GPU): an index in PCI order or a GPU UUID. */
  device?: string;
  /** Who asks, for errors: "rank 3". */
  who?: string;
  log?: (msg: string) => void;
}

// The limits tfjs's own registration asks for: its shaders size their workgroups by them.
const LIMITS = [
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupSizeX',
  'maxComputeInvocationsPerWorkgroup',
];

let started: Promise<WebgpuStart> | undefined;

/** Once per process, on the first call's options: Dawn reads the Vulkan environment when its instance is created. */
export function startWebgpu(opts: StartOptions): Promise<WebgpuStart> {
  started ??= start(opts);
  return started;
}

async function start(opts: StartOptions): Promise<WebgpuStart> {
  const mine = opts.device ? ` GPU ${opts.device} (RWP_GPU, from rwp-launch --gpus)` : '';
  const who = opts.who ?? 'this worker';
  const drivers = vulkanDrivers();
  if (drivers.length === 0) return { ok: false, reason: `Dawn found no adapter: no Vulkan driver is installed - ${SWIFTSHADER_HINT}` };
  // auto never takes a software adapter, so SwiftShader is no hint for it.
  const choice = chooseDrivers(await probeDrivers(drivers), opts.allowSoftware, opts.allowSoftware ? SWIFTSHADER_HINT : undefined);
  if (!choice.ok) return { ok: false, reason: choice.reason, adapter: choice.adapter };
  if (opts.device && /^\d+$/.test(opts.device) && Number(opts.device) >= choice.devices.length) {
    const found = choice.devices.map((d, i) => `${i}: ${d}`).join(', ');
    const kind = choice.software ? 'software stand-ins for GPUs' : 'GPUs';
    return { ok: false, reason: `${who}:${mine} is not among this host's ${choice.devices.length} ${kind} (${found})` };
  }
  // This process's Dawn sees only the chosen drivers: nothing to refuse, so nothing printed.
  Object.assign(process.env, vulkanEnv(choice.drivers));
  if (opts.device) {
    try {
      Object.assign(process.env, deviceSelectEnv(opts.device));
    } catch (err) {
      return { ok: false, reason: `cannot show ${who} its${mine} alone: ${(err as Error).message}` };
    }
  }
  let dawn: Dawn;
  try {
    dawn = (await import('webgpu')) as unknown as Dawn;
  } catch (err) {
    return { ok: false, reason: `Dawn (npm package webgpu) failed to load: ${(err as Error).message.split('\n')[0]}` };
  }
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create(opts.flags ?? []);
  // tfjs's WebGPUBackend checks navigator.gpu when it is constructed (Node 20 has no navigator).
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav === undefined) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  else Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  let adapter: Adapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (err) {
    return { ok: false, reason: `Dawn found no adapter: ${(err as Error).message.replace(/\n\s*/g, ' ')}` };
  }
  if (adapter === null && opts.device) {
    return { ok: false, reason: `${who}:${mine} is not among this host's Vulkan devices (the layer's line on stderr lists them)` };
  }
  if (adapter === null) return { ok: false, reason: `Dawn found no adapter with ${choice.drivers.join(', ')}` };
  const summary = summarizeAdapter(adapter.info);
  const requiredLimits: Record<string, number> = {};
  for (const k of LIMITS) requiredLimits[k] = adapter.limits[k];
  const requiredFeatures = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
  const device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
  const log = opts.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  void device.lost.then((l) => {
    if (l.reason !== 'destroyed') log(`webgpu: device lost (${l.reason}): ${l.message}`);
  });
  // A tfjs backend is created lazily by its factory; the factory hands over our device.
  if (tf.findBackendFactory('webgpu') !== null) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new WebGPUBackend(device as never, adapter.info as never));
  return { ok: true, adapter: summary, detail: `webgpu on${mine ? `${mine}:` : ''} ${describeAdapter(summary)}` };
}
