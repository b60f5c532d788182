// Joins the process group the launcher describes, prints the TCP ports its ring listens on and
// checks several allreduce sums. With `--set fail_rank=R`, rank R exits 7 after the first
// allreduce of the first attempt, leaving its peers stranded.
import { connect } from '@rwp/collective';
import { exitWithLauncher, resolveProcessGroup } from '@rwp/process-group';
import { listeningPorts } from './listening-ports.js';
import { workerArgs } from './worker-args.js';

exitWithLauncher();
const { sets } = workerArgs();
const pg = resolveProcessGroup();
const comm = await connect({
  rank: pg.rank,
  worldSize: pg.worldSize,
  masterAddr: pg.masterAddr,
  masterPort: pg.masterPort,
  runId: pg.runId,
  transport: pg.transport,
  timeoutMs: pg.timeoutMs,
});
// Rank 0's rendezvous listens on MASTER_PORT too.
console.log(JSON.stringify({ level: 30, msg: 'ring ports', ports: listeningPorts().filter((p) => p !== pg.masterPort) }));
// Every rank contributes (rank + 1) * (i + step): the sum is worldSize(worldSize+1)/2 * (i + step).
const ranksSum = (pg.worldSize * (pg.worldSize + 1)) / 2;
const steps = 5;
for (let step = 0; step < steps; step++) {
  const data = Float32Array.from({ length: 4096 }, (_, i) => (pg.rank + 1) * (i + step));
  await comm.allreduce(data, 'sum');
  const wrong = data.findIndex((v, i) => v !== ranksSum * (i + step));
  if (wrong >= 0) throw new Error(`step ${step}: element ${wrong} is ${data[wrong]}, expected ${ranksSum * (wrong + step)}`);
  if (Number(sets.fail_rank) === pg.rank && process.env.RWP_RESTART_COUNT === '0') process.exit(7);
}
await comm.barrier();
console.log(JSON.stringify({ level: 30, msg: 'allreduce ok', worldSize: pg.worldSize, steps }));
await comm.close();
