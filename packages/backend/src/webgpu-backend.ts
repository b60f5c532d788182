import * as tf from '@tensorflow/tfjs-core';
import { gpuFromEnv, rankForLogs } from '@rwp/process-group';
import { failed, type Failed, type Loaded } from './attempt.js';
import { firstLine, importOptional } from './optional-module.js';

type WebgpuModule = typeof import('@rwp/webgpu');

export type WebgpuLoaded = Loaded & { software: boolean };

/**
 * Dawn and tfjs's WebGPU backend (packages/webgpu). Imported only when tried: loading Dawn
 * costs time and memory a CPU run has no use for. `allowSoftware` false is `auto`'s view: a
 * software adapter (SwiftShader, llvmpipe) is no GPU.
 */
export async function loadWebgpu(allowSoftware: boolean, log: (msg: string) => void): Promise<WebgpuLoaded | Failed> {
  const imported = await importOptional('@rwp/webgpu');
  if (!imported.ok) return failed('webgpu', `failed to load: ${imported.message}`);
  const webgpu = imported.module as unknown as WebgpuModule;
  if (!allowSoftware && webgpu.vulkanDrivers().length === 0) return failed('webgpu', 'not tried: no Vulkan driver is installed');
  let started;
  try {
    started = await webgpu.startWebgpu({ allowSoftware, log, device: gpuFromEnv(), who: `rank ${rankForLogs()}` });
  } catch (err) {
    return failed('webgpu', `failed to start: ${firstLine(err)}`);
  }
  if (!started.ok) return failed('webgpu', started.reason);
  if (!(await tf.setBackend('webgpu'))) return failed('webgpu', `backend failed to start on ${started.detail}`);
  return { ok: true, tfBackend: tf.getBackend(), threads: 1, detail: started.detail, software: started.adapter.software };
}
