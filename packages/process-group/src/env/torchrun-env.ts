import { ProcessGroupEnvError } from '../errors.js';
import type { Identity } from '../process-group.js';
import { readString } from './env-values.js';
import { resolveLauncher } from './launcher-env.js';
import { WORKER_ENV } from './names.js';

/** torchrun's agent (torch.distributed.elastic) sets this for every worker it starts; rwp-launch does not. */
export const TORCHRUN_AGENT = 'TORCHELASTIC_USE_AGENT_STORE';

/** True when a torchrun (elastic) agent started this process. */
export function underTorchrunAgent(env: NodeJS.ProcessEnv): boolean {
  return readString(env, TORCHRUN_AGENT) !== undefined;
}

/**
 * Identity under torchrun's agent: its variables are rwp-launch's, but the agent itself listens on
 * MASTER_PORT (the TCPStore its PyTorch workers meet in) for the whole job. rank 0's rendezvous
 * takes the next port: the agent holds exactly one port on MASTER_ADDR, so MASTER_PORT + 1 cannot
 * collide with it, every worker derives the same port from what the agent gives it, and no
 * TCPStore client is needed (rwp-launch's launchers meet on --master-port + 1 likewise).
 */
export function resolveTorchrun(env: NodeJS.ProcessEnv): Identity {
  const id = resolveLauncher(env);
  if (readString(env, WORKER_ENV.masterPort) === undefined) {
    throw new ProcessGroupEnvError(WORKER_ENV.masterPort, `is not set but ${TORCHRUN_AGENT} is: torchrun's agent always sets it`);
  }
  if (id.masterPort >= 65535) {
    throw new ProcessGroupEnvError(WORKER_ENV.masterPort, `MASTER_PORT=${id.masterPort} leaves no port after it for rwp's rendezvous (torchrun's agent holds MASTER_PORT itself)`);
  }
  return { ...id, masterPort: id.masterPort + 1, source: 'torchrun' };
}
