// One rank of the allreduce benchmark, started by allreduce.ts (or by the mpirun it starts) with
// the group in its environment.
// Rank 0 prints one JSON AllreduceResult per size on stdout.
import { connect, DEFAULT_CHUNK_BYTES, DEFAULT_COLLECTIVE_BACKEND, resolveProcessGroup } from '@rwp/collective';
import { rankForLogs } from '@rwp/process-group';
import { defaultIters, type AllreduceResult } from './allreduce-args.js';

const WARMUP = 3;

/** Microseconds on a clock all processes of this host share. */
function nowUs(): number {
  return (performance.timeOrigin + performance.now()) * 1000;
}

/** Small integers, so every float32 sum is exact and each result can be checked for equality. */
function input(rank: number, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = ((i * 7 + rank * 13) % 17) - 8;
  return a;
}

function expected(worldSize: number, n: number): Float32Array {
  const sum = new Float32Array(n);
  for (let r = 0; r < worldSize; r++) {
    const x = input(r, n);
    for (let i = 0; i < n; i++) sum[i] += x[i];
  }
  return sum;
}

function firstMismatch(got: Float32Array, want: Float32Array): number {
  for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) return i;
  return -1;
}

async function main(): Promise<void> {
  const pg = resolveProcessGroup();
  const sizes = (process.env.RWP_BENCH_SIZES ?? '').split(',').map(Number);
  const iterOverride = Number(process.env.RWP_BENCH_ITERS ?? 0);
  const chunkBytes = Number(process.env.RWP_BENCH_CHUNK_BYTES ?? 0) || undefined;
  const backend = process.env.RWP_BENCH_BACKEND ?? DEFAULT_COLLECTIVE_BACKEND;
  const comm = await connect({ ...pg, chunkBytes, backend });
  try {
    for (const bytes of sizes) {
      const n = bytes / 4;
      const mine = input(pg.rank, n);
      const want = expected(pg.worldSize, n);
      const data = new Float32Array(n);
      const iters = iterOverride || defaultIters(bytes);
      const starts: number[] = [];
      const ends: number[] = [];
      let cpuUs = 0;
      let faults = 0;
      for (let it = 0; it < WARMUP + iters; it++) {
        data.set(mine);
        await comm.barrier();
        const r0 = process.resourceUsage();
        const t0 = nowUs();
        await comm.allreduce(data, 'sum');
        const t1 = nowUs();
        const r1 = process.resourceUsage();
        if (it >= WARMUP) {
          starts.push(t0);
          ends.push(t1);
          cpuUs += r1.userCPUTime + r1.systemCPUTime - r0.userCPUTime - r0.systemCPUTime;
          faults += r1.minorPageFault - r0.minorPageFault;
        }
        const bad = firstMismatch(data, want);
        if (bad >= 0) {
          throw new Error(`wrong allreduce result on rank ${pg.rank}, size ${bytes} B, iteration ${it}: element ${bad} is ${data[bad]}, expected ${want[bad]}`);
        }
      }
      // An allreduce runs from the moment the last rank calls it until the last rank has its result;
      // ranks leave the barrier before it at different times, which is not the allreduce's doing.
      const all = await comm.allgather({ starts, ends, cpuUs, faults });
      const slowest = starts.map((_, i) => Math.max(...all.map((a) => a.ends[i])) - Math.max(...all.map((a) => a.starts[i])));
      const perRank = (f: (a: (typeof all)[number]) => number) => all.reduce((s, a) => s + f(a), 0) / all.length / iters;
      slowest.sort((a, b) => a - b);
      const mid = slowest.length >> 1;
      const timeUs = slowest.length % 2 ? slowest[mid] : (slowest[mid - 1] + slowest[mid]) / 2;
      const algbw = bytes / (timeUs * 1e-6) / 1e9;
      const result: AllreduceResult = {
        size_bytes: bytes,
        backend,
        nproc: pg.worldSize,
        transport: pg.transport,
        hosts: Number(process.env.RWP_BENCH_HOSTS ?? 1),
        shared_memory: comm.sharedMemory,
        shared_memory_links: comm.sharedMemoryLinks,
        chunk_bytes: chunkBytes ?? DEFAULT_CHUNK_BYTES,
        iters,
        time_us: Math.round(timeUs * 10) / 10,
        algbw_gbps: Math.round(algbw * 1000) / 1000,
        busbw_gbps: Math.round(((algbw * 2 * (pg.worldSize - 1)) / pg.worldSize) * 1000) / 1000,
        cpu_us_per_rank: Math.round(perRank((a) => a.cpuUs)),
        page_faults_per_rank: Math.round(perRank((a) => a.faults)),
      };
      if (pg.rank === 0) process.stdout.write(`${JSON.stringify(result)}\n`);
    }
  } finally {
    await comm.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`allreduce benchmark rank ${rankForLogs()}: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
