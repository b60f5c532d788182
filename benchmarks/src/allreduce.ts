// Allreduce benchmark: starts --nproc ranks of @rwp/collective on this host (or, with --hosts 2,
// half of them on each of two simulated hosts: simulated-hosts.ts), directly for the ring or
// under Open MPI's mpirun for --backend mpi (allreduce-mpirun.ts), times a float32 sum
// allreduce per size (median over iterations, after warm-up, of the time from the last rank's call
// to the last rank's return), checks every result and prints a table or JSON lines.
// busbw = algbw * 2(N-1)/N, as in nccl-tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { wholeNumber } from '@rwp/cli-args';
import { COLLECTIVE_BACKENDS, DEFAULT_COLLECTIVE_BACKEND, type CollectiveBackendName } from '@rwp/collective';
import { freePort, newJobToken } from '@rwp/process-group';
import { Command } from 'commander';
import { formatSize, parseSizes, type AllreduceResult } from './allreduce-args.js';
import { mpirunLaunch, type Launch } from './allreduce-mpirun.js';
import { simulateTwoHosts, type SimulatedHosts } from './simulated-hosts.js';

interface Options {
  backend: CollectiveBackendName;
  nproc: number;
  hosts: number;
  sizes: number[];
  transport: 'ipc' | 'tcp';
  iters?: number;
  chunk?: number;
  shm: boolean;
  json: boolean;
  timeout: number;
}

function parseOptions(argv: string[]): Options {
  const program: Command = new Command('allreduce')
    .description('Times @rwp/collective allreduce (float32 sum) between processes on this host.')
    .option('--backend <ring|mpi>', `collective backend (dist.backend): ${COLLECTIVE_BACKENDS.join(' or ')}; mpi starts the ranks with Open MPI's mpirun`, DEFAULT_COLLECTIVE_BACKEND)
    .option('--nproc <n>', 'number of ranks', wholeNumber(1), 2)
    .option('--hosts <h>', '1, or 2: half the ranks on each of two simulated hosts (network namespaces with their own /dev/shm; needs root), tcp between them', wholeNumber(1), 1)
    .option('--sizes <list>', 'comma-separated buffer sizes in bytes, with K/M/G binary suffixes', '256K,4M,64M')
    .option('--transport <ipc|tcp>', 'ring transport', 'ipc')
    .option('--iters <k>', 'timed iterations per size (default: about 1 GiB of data per size)', wholeNumber(1))
    .option('--chunk <bytes>', 'ring frame size, with K/M suffixes (default: the library default)')
    .option('--no-shm', 'with ipc, move the data over unix sockets rather than shared memory (RWP_SHM=0)')
    .option('--timeout <s>', 'give up after this many seconds', wholeNumber(1), 600)
    .option('--json', 'one JSON object per size instead of a table', false)
    .parse(argv);
  const o = program.opts<{ backend: string; nproc: number; hosts: number; sizes: string; transport: string; iters?: number; chunk?: string; shm: boolean; json: boolean; timeout: number }>();
  const backend = COLLECTIVE_BACKENDS.find((b) => b === o.backend);
  if (backend === undefined) program.error(`--backend must be ${COLLECTIVE_BACKENDS.join(' or ')}, got "${o.backend}"`);
  const transport = o.transport;
  if (transport !== 'ipc' && transport !== 'tcp') program.error(`--transport must be ipc or tcp, got "${transport}"`);
  if (o.hosts > 2 || (o.hosts === 2 && o.nproc % 2 !== 0)) program.error(`--hosts must be 1, or 2 with an even --nproc, got --hosts ${o.hosts} --nproc ${o.nproc}`);
  try {
    const sizes = parseSizes(o.sizes);
    const chunk = o.chunk === undefined ? undefined : parseSizes(o.chunk)[0];
    return { backend, nproc: o.nproc, hosts: o.hosts, sizes, transport, iters: o.iters, chunk, shm: o.shm, json: o.json, timeout: o.timeout };
  } catch (e) {
    program.error((e as Error).message);
  }
}

function printTable(results: AllreduceResult[]): void {
  const head = ['size', 'backend', 'nproc', 'hosts', 'transport', 'shm links', 'iters', 'time (us)', 'algbw (GB/s)', 'busbw (GB/s)', 'cpu/rank (us)', 'faults/rank'];
  const rows = results.map((r) =>
    [
      formatSize(r.size_bytes),
      r.backend,
      r.nproc,
      r.hosts,
      // Open MPI picks its own transport (shared memory within a host, TCP between).
      r.backend === 'mpi' ? 'Open MPI' : r.transport,
      r.backend === 'mpi' ? '-' : `${r.shared_memory_links}/${r.nproc}`,
      r.iters,
      r.time_us.toFixed(1),
      r.algbw_gbps.toFixed(3),
      r.busbw_gbps.toFixed(3),
      r.cpu_us_per_rank,
      r.page_faults_per_rank,
    ].map(String),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  for (const row of [head, ...rows]) console.log(row.map((c, i) => c.padStart(widths[i])).join('  '));
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv);
  const port = await freePort();
  const rankScript = fileURLToPath(new URL('./allreduce-rank.js', import.meta.url));
  const hosts: SimulatedHosts | null = o.hosts === 2 ? await simulateTwoHosts() : null;
  const perHost = o.nproc / o.hosts;
  const token = newJobToken();
  const children: ChildProcess[] = [];
  const killAll = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  };
  // The failure paths below end the process with process.exit.
  process.once('exit', () => hosts?.close());
  process.once('SIGINT', () => {
    killAll();
    process.exit(130);
  });
  const timer = setTimeout(() => {
    console.error(`allreduce benchmark: no result after ${o.timeout} s; stopping the ranks`);
    killAll();
    process.exit(1);
  }, o.timeout * 1000);

  const results: AllreduceResult[] = [];
  const env: Record<string, string> = {
    MASTER_ADDR: hosts?.addrs[0] ?? '127.0.0.1',
    RWP_JOB_TOKEN: token,
    MASTER_PORT: String(port),
    RWP_RUN_ID: `bench-allreduce-${process.pid}-${port}`,
    RWP_TRANSPORT: o.transport,
    RWP_COMM_TIMEOUT_MS: String(o.timeout * 1000),
    RWP_BENCH_BACKEND: o.backend,
    RWP_BENCH_SIZES: o.sizes.join(','),
    RWP_BENCH_HOSTS: String(o.hosts),
    RWP_BENCH_ITERS: String(o.iters ?? 0),
    RWP_BENCH_CHUNK_BYTES: String(o.chunk ?? 0),
    ...(o.shm ? {} : { RWP_SHM: '0' }),
  };
  const launches: Launch[] =
    o.backend === 'mpi'
      ? [mpirunLaunch(o.nproc, hosts, rankScript, env)]
      : Array.from({ length: o.nproc }, (_, rank) => ({
          what: `rank ${rank}`,
          command: [...(hosts?.on(Math.floor(rank / perHost)) ?? []), process.execPath, rankScript],
          env: { ...env, RANK: String(rank), WORLD_SIZE: String(o.nproc), LOCAL_RANK: String(rank % perHost), LOCAL_WORLD_SIZE: String(perHost) },
        }));
  const exits = launches.map((launch, i) => {
    const [command, ...args] = launch.command;
    // The first launch prints rank 0's results (mpirun passes on its ranks' output).
    const child = spawn(command, args, { stdio: ['ignore', i === 0 ? 'pipe' : 'ignore', 'inherit'], env: { ...process.env, ...launch.env } });
    children.push(child);
    if (i === 0) {
      let buffered = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
          const r = JSON.parse(buffered.slice(0, nl)) as AllreduceResult;
          buffered = buffered.slice(nl + 1);
          results.push(r);
          if (o.json) console.log(JSON.stringify(r));
        }
      });
    }
    return new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  });
  // The first rank to fail ends the run: the others would only time out.
  const codes = await Promise.all(
    exits.map((p) =>
      p.then((code) => {
        if (code !== 0) killAll();
        return code;
      }),
    ),
  );
  clearTimeout(timer);
  const failed = codes.findIndex((c) => c !== 0);
  if (failed >= 0 || results.length !== o.sizes.length) {
    const who = failed >= 0 ? `${launches[failed].what} exited with code ${codes[failed]}` : 'no rank failed';
    console.error(`allreduce benchmark FAILED: ${who} (${results.length} of ${o.sizes.length} sizes measured)`);
    process.exit(1);
  }
  if (!o.json) printTable(results);
  hosts?.close();
}

await main();
