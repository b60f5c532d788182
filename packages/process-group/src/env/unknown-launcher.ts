import { ProcessGroupEnvError } from '../errors.js';
import { readInt } from './env-values.js';

/**
 * World sizes (and ranks) other launchers set that rwp does not read: MPICH's and Intel MPI's
 * Hydra (PMI_*, MPI_LOCALNRANKS), MVAPICH2 (MV2_COMM_WORLD_*) and PMIx launchers (PMIX_RANK). A
 * process that sees one of these above its single-process value is one of many, and must not
 * train alone as a world of one.
 */
const SIZES = ['PMI_SIZE', 'MV2_COMM_WORLD_SIZE', 'MPI_LOCALNRANKS'];
const RANKS = ['PMI_RANK', 'MV2_COMM_WORLD_RANK', 'PMIX_RANK'];

/** Throws when the environment shows a multi-process launch none of rwp's readers understood. */
export function refuseUnknownLaunch(env: NodeJS.ProcessEnv): void {
  for (const name of SIZES) {
    const size = readSafely(env, name);
    if (size !== undefined && size > 1) throw unknown(name, `${name}=${size}`);
  }
  for (const name of RANKS) {
    const rank = readSafely(env, name);
    if (rank !== undefined && rank > 0) throw unknown(name, `${name}=${rank}`);
  }
}

/** A malformed value of a variable rwp does not own is no evidence either way. */
function readSafely(env: NodeJS.ProcessEnv, name: string): number | undefined {
  try {
    return readInt(env, name);
  } catch {
    return undefined;
  }
}

function unknown(name: string, what: string): ProcessGroupEnvError {
  return new ProcessGroupEnvError(
    name,
    `${what} says this is one process of several, started by a launcher rwp does not read; run under rwp-launch, srun, Open MPI's mpirun, torchrun or an indexed Job (see docs/deployment.md)`,
  );
}
