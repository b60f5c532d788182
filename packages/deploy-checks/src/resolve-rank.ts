import type { ProcessGroupEnv } from '@rwp/process-group';
import { runNode } from './run-node.js';

const PROBE = new URL('./process-group-probe.js', import.meta.url).pathname;

/** The worker's rank resolution, run in a child process whose environment is exactly `env`. */
export function resolveInChild(env: Record<string, string>): ProcessGroupEnv {
  const r = runNode([PROBE], env);
  if (r.code !== 0) throw new Error(`resolveProcessGroup failed: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout) as ProcessGroupEnv;
}
