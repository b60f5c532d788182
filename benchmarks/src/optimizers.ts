// bench:optimizers: wall time per optimizer step of SGD, SAM, RWP in sequence and RWP in
// parallel, one after another on the same model, data and per-rank batch, through the real
// rwp-train and rwp-launch. Prints a table (or JSON with --json) and writes results.json, the
// charts and report.md into --out. See step-breakdown.ts for how a step's time is split.
//
//   npm run bench:optimizers -- --model cnn --dataset fashion-mnist --steps 200 [--nproc-rwp 2]
//                               [--repeats 3] [--pytorch] [--json] [--out DIR]
// --pytorch adds the PyTorch reference's SGD, SAM and parallel RWP (optimizers-pytorch.ts), each
// run beside rwp's in the same alternating order, so both sets of ratios come from one sitting.
import { availableParallelism, loadavg } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOptimizersOptions } from './optimizers-options.js';
import { methodSpecs } from './bench-methods.js';
import { methodResults, repeatOrder, type TimedRun } from './optimizers-results.js';
import { textTable, writeOptimizersReport, type OptimizersMeta } from './optimizers-report.js';
import { hostDescription, type CpuShare } from './host-cpu.js';
import { readStepFiles } from './step-files.js';
import { pytorchUnavailable, runPyTorch } from './optimizers-pytorch.js';
import { copyRunResults, runTraining, timeStamp, BenchmarkError, writeConfig } from './training-runs.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function cpuNote(cpu: CpuShare | null): string {
  return cpu ? `, cores used ${cpu.cores_used.toFixed(2)}, other processes ${cpu.other_cores.toFixed(2)} cores` : '';
}

async function main(): Promise<void> {
  const o = parseOptimizersOptions(process.argv);
  const noPyTorch = o.pytorch ? pytorchUnavailable(o) : null;
  if (noPyTorch) throw new BenchmarkError(noPyTorch);
  const stamp = timeStamp();
  const out = resolve(o.out ?? join(ROOT, 'benchmarks', 'results', `optimizers-${stamp}`));
  const runsDir = resolve(o.runsDir ?? join(ROOT, 'runs', `bench-optimizers-${stamp}`));
  mkdirSync(out, { recursive: true });
  mkdirSync(runsDir, { recursive: true });
  if (o.nprocRwp > availableParallelism()) {
    console.error(`bench:optimizers: warning: --nproc-rwp ${o.nprocRwp} ranks on ${availableParallelism()} cores; the ranks share cores and parallel RWP cannot reach SGD's time`);
  }
  const total = o.warmup + o.steps;
  const configPath = join(runsDir, 'config.yaml');
  // Epochs are set far beyond train.max_steps so that every run stops at the same step count;
  // no checkpoint but the last one, and no evaluation, so that only steps are timed.
  writeConfig(configPath, `bench:optimizers base config; each run adds --set method.name=...`, {
    seed: o.seed,
    backend: o.backend,
    threads: 1,
    model: { arch: o.model },
    data: { dataset: o.dataset, batch_size: o.batch, limit_train: o.limitTrain ?? null },
    method: { gamma: 0.01, alpha: 0.5, rho: 0.05 },
    optim: { lr: 0.05, momentum: 0.9, weight_decay: 0.0005, schedule: 'cosine' },
    train: { epochs: 10000, max_steps: total, checkpoint_every: 10000, step_times: true, eval: false, log_every: 1000 },
  });

  const specs = methodSpecs(o.nprocRwp, o.pytorch);
  const timed: TimedRun[] = [];
  const runs: OptimizersMeta['runs'] = [];
  const loads = [loadavg()[0]];
  let backend = o.backend;
  for (let k = 0; k < o.repeats; k++) {
    for (const spec of repeatOrder(specs, k)) {
      const name = `${spec.key}-r${k + 1}`;
      process.stderr.write(`bench:optimizers: ${name} (${spec.label}, ${total} steps) ... `);
      const done =
        spec.impl === 'pytorch'
          ? await runPyTorch(spec, name, o, runsDir)
          : await runTraining({ name, method: spec.method, nproc: spec.nproc, sets: [`method.name=${spec.method}`, ...o.set] }, configPath, runsDir);
      const ranks = readStepFiles(done.dir, spec.nproc);
      const measured = Math.min(...ranks.map((r) => r.filter((s) => s.step > o.warmup).length));
      if (measured < o.steps) {
        throw new BenchmarkError(`run ${name} recorded ${measured} steps after the warm-up, fewer than --steps ${o.steps} (see ${done.dir})`);
      }
      if (spec.impl === 'rwp') backend = (JSON.parse(readFileSync(join(done.dir, 'summary.json'), 'utf8')) as { backend: string }).backend;
      timed.push({ spec, repeat: k, ranks, cpu: done.cpu });
      runs.push({ name, seconds: done.seconds, load_before: done.loadBefore, load_after: done.loadAfter, cpu: done.cpu, dir: done.dir });
      loads.push(done.loadAfter);
      copyRunResults(done.dir, join(out, 'runs', name));
      process.stderr.write(`${done.seconds.toFixed(1)} s, load ${done.loadBefore.toFixed(2)} -> ${done.loadAfter.toFixed(2)}${cpuNote(done.cpu)}\n`);
    }
  }

  const results = methodResults(specs, timed, o.warmup, o.batch);
  const command = `npm run bench:optimizers -- ${process.argv.slice(2).join(' ')}`.trim();
  const host = hostDescription();
  writeFileSync(
    join(out, 'results.json'),
    JSON.stringify(
      {
        benchmark: 'optimizers',
        command,
        finished: new Date().toISOString(),
        host,
        options: { ...o, backend_used: backend },
        load_averages: loads,
        methods: results,
        runs: runs.map((r) => ({ ...r, dir: relative(ROOT, r.dir) })),
      },
      null,
      2,
    ) + '\n',
  );
  await writeOptimizersReport(out, results, {
    command,
    model: o.model,
    dataset: o.dataset,
    batch: o.batch,
    steps: o.steps,
    warmup: o.warmup,
    repeats: o.repeats,
    backend,
    host,
    loadAverages: loads,
    runs,
  });
  if (o.json) for (const r of results) console.log(JSON.stringify(r));
  else process.stdout.write(textTable(results));
  process.stderr.write(`bench:optimizers: results.json, step-times.{svg,png}, step-breakdown.{svg,png} and report.md in ${out}\n`);
}

main().catch((e: unknown) => {
  if (e instanceof BenchmarkError) {
    console.error(`\nbench:optimizers: error: ${e.message}`);
  } else {
    console.error(`\nbench:optimizers: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
  process.exit(1);
});
