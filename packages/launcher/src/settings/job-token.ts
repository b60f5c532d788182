import { readFileSync, statSync } from 'node:fs';
import { jobTokenFromEnv, newJobToken, WORKER_ENV } from '@rwp/process-group';
import { LaunchError } from '../errors.js';

/** The job's secret and where it came from, for the start-up line (never the secret itself). */
export interface JobToken {
  token: string | null;
  source: string;
}

/**
 * The token every worker proves on each connection (RWP_JOB_TOKEN): from --token-file, else the
 * launcher's RWP_JOB_TOKEN, else a random one on one host. Several hosts must share one, so there
 * it is required unless --unauthenticated waives it. `warn` hears of a token file others can read.
 */
export function resolveJobToken(o: { tokenFile?: string; unauthenticated?: boolean; nnodes: number }, warn: (m: string) => void): JobToken {
  const fromEnv = jobTokenFromEnv();
  if (o.unauthenticated) {
    if (o.tokenFile !== undefined || fromEnv !== null) {
      throw new LaunchError(`--unauthenticated contradicts ${o.tokenFile !== undefined ? '--token-file' : `${WORKER_ENV.jobToken} in the environment`}: give one or the other`);
    }
    return { token: null, source: 'none (--unauthenticated)' };
  }
  if (o.tokenFile !== undefined) return { token: readTokenFile(o.tokenFile, warn), source: `--token-file ${o.tokenFile}` };
  if (fromEnv !== null) return { token: fromEnv, source: WORKER_ENV.jobToken };
  if (o.nnodes === 1) return { token: newJobToken(), source: 'generated for this launch' };
  throw new LaunchError(
    `--nnodes ${o.nnodes} needs a job token shared by every host: --token-file FILE (the same file on each, e.g. from \`openssl rand -hex 32\`) ` +
      `or ${WORKER_ENV.jobToken}; or --unauthenticated to let anyone who can reach the ports join or feed the run`,
  );
}

function readTokenFile(file: string, warn: (m: string) => void): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
    if ((statSync(file).mode & 0o077) !== 0) warn(`the token file ${file} can be read by other users of this host; chmod 600 it`);
  } catch (e) {
    throw new LaunchError(`--token-file ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const token = text.trim();
  if (token === '') throw new LaunchError(`--token-file ${file} is empty`);
  return token;
}
