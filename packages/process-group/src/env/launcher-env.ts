import { DEFAULT_MASTER_PORT, type Identity } from '../process-group.js';
import { checkBelow, readInt, readPort, readString, requireInt } from './env-values.js';
import { WORKER_ENV } from './names.js';
import { masterAddrFor } from './master-addr.js';

/** Identity from the torchrun-style variables rwp-launch (or torchrun itself) sets. */
export function resolveLauncher(env: NodeJS.ProcessEnv): Identity {
  const worldSize = requireInt(env, WORKER_ENV.worldSize, 1, 'RANK is set, so WORLD_SIZE must be too');
  const rank = requireInt(env, WORKER_ENV.rank, 0, 'launcher');
  checkBelow(WORKER_ENV.rank, rank, WORKER_ENV.worldSize, worldSize);
  const localWorldSize = readInt(env, WORKER_ENV.localWorldSize, 1) ?? worldSize;
  const localRank = readInt(env, WORKER_ENV.localRank) ?? rank % localWorldSize;
  return {
    rank,
    worldSize,
    localRank,
    localWorldSize,
    nodeRank: readInt(env, WORKER_ENV.groupRank) ?? Math.floor(rank / localWorldSize),
    masterAddr: masterAddrFor(env, worldSize, 'launcher'),
    masterPort: readPort(env, WORKER_ENV.masterPort) ?? DEFAULT_MASTER_PORT,
    runId: readString(env, WORKER_ENV.runId) ?? readString(env, 'TORCHELASTIC_RUN_ID') ?? 'default',
    source: 'launcher',
  };
}
