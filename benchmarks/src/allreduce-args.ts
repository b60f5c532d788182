// Command-line values of the allreduce benchmark.

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** "256K" -> 262144 bytes (binary suffixes K, M, G; optional trailing B). Must hold whole float32s. */
export function parseSize(text: string): number {
  const m = /^([0-9]+)([KMG]?)(i?B)?$/i.exec(text.trim());
  if (!m) throw new Error(`bad size "${text}": expected a byte count with an optional K, M or G suffix, e.g. 4M`);
  const bytes = Number(m[1]) * UNITS[m[2].toUpperCase()];
  if (bytes <= 0 || bytes % 4 !== 0) throw new Error(`bad size "${text}": must be a positive multiple of 4 bytes (float32)`);
  return bytes;
}

export function parseSizes(list: string): number[] {
  return list.split(',').filter((s) => s.trim() !== '').map(parseSize);
}

export function formatSize(bytes: number): string {
  for (const [unit, scale] of [['G', 1024 ** 3], ['M', 1024 ** 2], ['K', 1024]] as const) {
    if (bytes % scale === 0) return `${bytes / scale}${unit}`;
  }
  return `${bytes}`;
}

/** Iterations per size when --iters is not given: about 1 GiB moved per size, within [5, 50]. */
export function defaultIters(bytes: number): number {
  return Math.max(5, Math.min(50, Math.round(1024 ** 3 / 4 / bytes)));
}

/** One measured size, as printed with --json. */
export interface AllreduceResult {
  size_bytes: number;
  /** The collective backend (--backend): rwp's ring, or Open MPI's MPI_Allreduce under mpirun. */
  backend: string;
  nproc: number;
  transport: string;
  /** Simulated hosts the ranks were spread over (--hosts). */
  hosts: number;
  /** Every link's data went through shared memory (ipc on one host, unless --no-shm), none over the ring's sockets. */
  shared_memory: boolean;
  /** Links whose data went through shared memory (those within a host with ipc); the others used sockets. */
  shared_memory_links: number;
  chunk_bytes: number;
  iters: number;
  time_us: number;
  algbw_gbps: number;
  busbw_gbps: number;
  /** CPU time (all threads, user + system) of one rank per allreduce, averaged over ranks. */
  cpu_us_per_rank: number;
  /** Minor page faults of one rank per allreduce: fresh memory is slow to touch in a VM. */
  page_faults_per_rank: number;
}
