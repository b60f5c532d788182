import { DEFAULT_MASTER_PORT, type Identity } from '../process-group.js';
import { checkBelow, readInt, readPort, readString, requireInt } from './env-values.js';
import { masterAddrFor } from './master-addr.js';

/** Identity from the torchrun-style variables rwp-launch (or torchrun itself) sets. */
export function resolveLauncher(env: NodeJS.ProcessEnv): Identity {
  const worldSize = requireInt(env, 'WORLD_SIZE', 1, 'RANK is set, so WORLD_SIZE must be too');
  const rank = requireInt(env, 'RANK', 0, 'launcher');
  checkBelow('RANK', rank, 'WORLD_SIZE', worldSize);
  const localWorldSize = readInt(env, 'LOCAL_WORLD_SIZE', 1) ?? worldSize;
  const localRank = readInt(env, 'LOCAL_RANK') ?? rank % localWorldSize;
  return {
    rank,
    worldSize,
    localRank,
    localWorldSize,
    nodeRank: readInt(env, 'GROUP_RANK') ?? Math.floor(rank / localWorldSize),
    masterAddr: masterAddrFor(env, worldSize, 'launcher'),
    masterPort: readPort(env, 'MASTER_PORT') ?? DEFAULT_MASTER_PORT,
    runId: readString(env, 'RWP_RUN_ID') ?? readString(env, 'TORCHELASTIC_RUN_ID') ?? 'default',
    source: 'launcher',
  };
}
