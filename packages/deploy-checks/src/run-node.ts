import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from './repo.js';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a Node program with exactly `env` (nothing inherited), in the repository root unless told
 * otherwise: what a container, a Slurm task or a pod would give it, and nothing of this shell.
 */
export function runNode(args: readonly string[], env: NodeJS.ProcessEnv, cwd = REPO_ROOT): RunResult {
  const r = spawnSync(process.execPath, args, { env, cwd, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
