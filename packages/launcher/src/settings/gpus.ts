import { spawnSync } from 'node:child_process';
import { cudaDevicesFromEnv } from '@rwp/process-group';
import { LaunchError } from '../errors.js';

/**
 * Each worker's GPU: a device per worker (CUDA_VISIBLE_DEVICES for CUDA, RWP_GPU for the WebGPU
 * backend's Vulkan device-select layer, which CUDA_VISIBLE_DEVICES does not reach), "" (none), or
 * untouched. `share`: more workers than devices may share them in turn.
 */
export type GpuPlan = { kind: 'assign'; devices: string[]; share: boolean } | { kind: 'hide' } | { kind: 'inherit' };

/**
 * `auto`: the launcher's own CUDA_VISIBLE_DEVICES when it lists devices (set but empty means the
 * user hid them: workers inherit that), else the GPUs `nvidia-smi -L` lists, else nothing.
 * `none`: hide every GPU. Otherwise a comma list of device ids. `env`: default the launcher's own.
 */
export function planGpus(spec: string, share = false, env?: NodeJS.ProcessEnv, countGpus: () => number = nvidiaSmiGpuCount): GpuPlan {
  if (spec === 'none') return { kind: 'hide' };
  if (spec === 'auto') {
    const visible = cudaDevicesFromEnv(env);
    if (visible !== undefined) {
      const devices = splitList(visible).filter((d) => d !== '-1');
      return devices.length > 0 ? { kind: 'assign', devices, share } : { kind: 'inherit' };
    }
    const n = countGpus();
    return n > 0 ? { kind: 'assign', devices: Array.from({ length: n }, (_, i) => String(i)), share } : { kind: 'inherit' };
  }
  const devices = splitList(spec);
  if (devices.length === 0 || devices.some((d) => !/^[A-Za-z0-9_:.-]+$/.test(d))) {
    throw new LaunchError(`--gpus must be auto, none or a comma list of device ids such as 0,1,2,3; got '${spec}'`);
  }
  return { kind: 'assign', devices, share };
}

/** Refuses a plan that would leave local ranks without a GPU of their own, naming them. */
export function checkGpuCount(plan: GpuPlan, nproc: number): void {
  if (plan.kind !== 'assign' || plan.share || plan.devices.length >= nproc) return;
  const n = plan.devices.length;
  const without = Array.from({ length: nproc - n }, (_, i) => n + i);
  const ranks = without.length === 1 ? `local rank ${without[0]} has` : `local ranks ${without[0]}-${without[without.length - 1]} have`;
  throw new LaunchError(
    `--nproc ${nproc} but ${n} GPU${n === 1 ? '' : 's'} (${plan.devices.join(',')}): ${ranks} none of its own; ` +
      'list one GPU per worker in --gpus, start fewer workers, or pass --share-gpus to deal the GPUs out in turn',
  );
}

/** The GPU of the worker with this local rank ("" for none), or undefined to leave it alone. */
export function deviceFor(plan: GpuPlan, localRank: number): string | undefined {
  if (plan.kind === 'hide') return '';
  if (plan.kind === 'inherit') return undefined;
  return plan.devices[localRank % plan.devices.length];
}

function splitList(s: string): string[] {
  return s.split(',').map((d) => d.trim()).filter((d) => d !== '');
}

/** GPUs listed by `nvidia-smi -L` (one "GPU n: ..." line each); 0 when it is absent or fails. */
function nvidiaSmiGpuCount(): number {
  const r = spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 15_000 });
  if (r.status !== 0 || typeof r.stdout !== 'string') return 0;
  return r.stdout.split('\n').filter((l) => /^GPU \d+:/.test(l)).length;
}
