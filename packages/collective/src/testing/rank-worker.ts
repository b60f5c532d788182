// A rank of a test group. Reads its identity from the environment like a real worker, runs the
// scenario named by RWP_TEST_SCENARIO on the backend RWP_TEST_BACKEND (unset: the ring) and
// prints one JSON object per line on stdout.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CollectiveError, connect, resolveProcessGroup, type Communicator } from '../index.js';
import { rankData } from './data.js';

function say(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
}

function list(name: string): number[] {
  return (process.env[name] ?? '').split(',').filter((s) => s !== '').map(Number);
}

const scenarios: Record<string, (comm: Communicator) => Promise<void>> = {
  /** Allreduce every length in RWP_TEST_LENGTHS with sum and mean; results go to files. */
  async allreduce(comm) {
    const out = process.env.RWP_TEST_OUT!;
    for (const length of list('RWP_TEST_LENGTHS')) {
      for (const op of ['sum', 'mean'] as const) {
        const data = rankData(comm.rank, length, op === 'sum' ? 0 : 1);
        await comm.allreduce(data, op);
        writeFileSync(join(out, `${op}-${length}-rank${comm.rank}.f32`), data);
      }
    }
  },

  /** broadcast from the last rank, broadcastValue from rank 1, allgather and barrier. */
  async collectives(comm) {
    const root = comm.worldSize - 1;
    const lengths = list('RWP_TEST_LENGTHS');
    const bcast: Record<number, boolean> = {};
    for (const length of lengths) {
      const data = comm.rank === root ? rankData(root, length) : new Float32Array(length).fill(Number.NaN);
      await comm.broadcast(data, root);
      bcast[length] = Buffer.from(data.buffer, data.byteOffset, data.byteLength).equals(Buffer.from(rankData(root, length).buffer));
    }
    const value = await comm.broadcastValue(comm.rank === 1 ? { lr: 0.1, tags: ['a', 'b'], hash: 'f00d' } : undefined, 1);
    const gathered = await comm.allgather({ rank: comm.rank, loss: comm.rank * 0.5 });
    await comm.barrier();
    say('result', { bcast, value, gathered });
  },

  /** Allreduce a large buffer until the test kills or stops someone. */
  async loop(comm) {
    const data = new Float32Array(Number(process.env.RWP_TEST_LOOP_LENGTH ?? 1 << 20));
    await comm.allreduce(data);
    say('looping');
    for (;;) await comm.allreduce(data);
  },

  /** Three allreduces; then rank RWP_TEST_STALL_RANK stays away from the fourth for RWP_TEST_STALL_MS. */
  async stall(comm) {
    const data = new Float32Array(1024);
    for (let i = 0; i < 3; i++) await comm.allreduce(data);
    if (comm.rank === Number(process.env.RWP_TEST_STALL_RANK)) await sleep(Number(process.env.RWP_TEST_STALL_MS));
    await comm.allreduce(data);
  },

  /** Rank 0 calls barrier while the others call allgather. */
  async mismatch(comm) {
    if (comm.rank === 0) await comm.barrier();
    else await comm.allgather(comm.rank);
  },

  async barrier(comm) {
    await comm.barrier();
  },
};

async function main(): Promise<void> {
  const pg = resolveProcessGroup();
  const scenario = scenarios[process.env.RWP_TEST_SCENARIO ?? ''];
  if (scenario === undefined) throw new Error(`unknown RWP_TEST_SCENARIO "${process.env.RWP_TEST_SCENARIO}"`);
  let comm: Communicator | null = null;
  try {
    comm = await connect({
      ...pg,
      backend: process.env.RWP_TEST_BACKEND,
      chunkBytes: Number(process.env.RWP_TEST_CHUNK_BYTES ?? 0) || undefined,
      logDir: process.env.RWP_TEST_LOG_DIR,
    });
    say('connected', { sharedMemory: comm.sharedMemory, sharedMemoryLinks: comm.sharedMemoryLinks });
    await scenario(comm);
    await comm.close();
    say('done');
  } catch (e) {
    if (!(e instanceof CollectiveError)) throw e;
    say('error', { op: e.op, rank: e.rank, peer: e.peer, message: e.message });
    await comm?.close();
    process.exitCode = 3;
  }
}

await main();
