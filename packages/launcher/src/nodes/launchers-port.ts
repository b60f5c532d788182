import { LaunchError } from '../errors.js';
import type { LaunchSettings } from '../settings/launch-settings.js';

/** Where node 0's launcher listens for the others on several hosts: the port after --master-port. */
export function launchersPort(plan: LaunchSettings): number {
  const master = plan.masterPort;
  if (master === undefined || master >= 65535) {
    throw new LaunchError(`--master-port ${master} leaves no port after it for the launchers of several hosts (they meet on --master-port + 1)`);
  }
  return master + 1;
}
