import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cudaDevicesFromEnv } from '@rwp/process-group';
import { firstLine } from './optional-module.js';

const execFileAsync = promisify(execFile);

export interface GpuCheck {
  visible: boolean;
  detail: string;
}

/**
 * Whether this worker may use a GPU. The launcher sets CUDA_VISIBLE_DEVICES per worker; an empty
 * value (or -1) hides every GPU, which CUDA honours, so nvidia-smi (which ignores it) is not asked.
 * `env`: the environment to check and run nvidia-smi in; default this process's.
 */
export async function checkGpu(env?: NodeJS.ProcessEnv, command = 'nvidia-smi'): Promise<GpuCheck> {
  const devices = cudaDevicesFromEnv(env);
  if (devices !== undefined && (devices.trim() === '' || devices.trim() === '-1')) {
    return { visible: false, detail: `no GPU visible (CUDA_VISIBLE_DEVICES="${devices}")` };
  }
  try {
    const { stdout } = await execFileAsync(command, ['-L'], { env, timeout: 15_000 });
    const gpus = stdout.split('\n').filter((line) => line.startsWith('GPU ')).length;
    if (gpus === 0) return { visible: false, detail: `no GPU visible (${command} -L lists none)` };
    return { visible: true, detail: `${command} -L lists ${gpus} GPU${gpus === 1 ? '' : 's'}` };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { visible: false, detail: `no GPU visible (${command} not found)` };
    const stderr = (err as { stderr?: string }).stderr?.trim();
    return { visible: false, detail: `no GPU visible (${command} -L failed: ${stderr ? firstLine(stderr) : firstLine(err)})` };
  }
}
