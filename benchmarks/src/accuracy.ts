// bench:accuracy: SGD (1 rank), SAM (1 rank), parallel RWP and ARWP, and RWP's two controls (SGD
// at the batch one RWP step sees, RWP with gamma 0) trained with the same budget of optimizer
// steps over several seeds, through the real rwp-train and rwp-launch. Prints final test accuracy
// (mean and standard deviation over seeds), wall time per method and the gains over the
// controls; writes results.json, every run's metrics.jsonl and summary.json, the mean curves and
// report.md.
//
//   npm run bench:accuracy -- --dataset fashion-mnist --model cnn --epochs E --seeds S [--out DIR]
import { loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRun, RunFileError } from '@rwp/report';
import { accuracySpecs, gainPairs, type MethodSpec } from './bench-methods.js';
import { parseAccuracyOptions, type AccuracyOptions } from './accuracy-options.js';
import { accuracyGains, accuracyResults, type AccuracyRun } from './accuracy-results.js';
import { hostDescription } from './host-cpu.js';
import { accuracyTextTable, gainTextTable, writeAccuracyReport } from './accuracy-report.js';
import { BenchmarkError, copyRunResults, runTraining, timeStamp, writeConfig } from './training-runs.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every method of accuracySpecs, or those --methods names. */
function chosenSpecs(o: AccuracyOptions): MethodSpec[] {
  let all: MethodSpec[];
  try {
    all = accuracySpecs(o.nprocRwp, o.batch, o.epochs);
  } catch (e) {
    throw new BenchmarkError((e as Error).message);
  }
  const wanted = o.methods;
  if (!wanted) return all;
  const unknown = wanted.filter((k) => !all.some((s) => s.key === k));
  if (unknown.length) throw new BenchmarkError(`--methods: unknown ${unknown.join(', ')}; the methods are ${all.map((s) => s.key).join(', ')}`);
  return all.filter((s) => wanted.includes(s.key));
}

async function main(): Promise<void> {
  const o = parseAccuracyOptions(process.argv);
  const specs = chosenSpecs(o);
  const stamp = timeStamp();
  const out = resolve(o.out ?? join(ROOT, 'benchmarks', 'results', `accuracy-${stamp}`));
  const runsDir = resolve(o.runsDir ?? join(ROOT, 'runs', `bench-accuracy-${stamp}`));
  mkdirSync(out, { recursive: true });
  mkdirSync(runsDir, { recursive: true });
  const configPath = join(runsDir, 'config.yaml');
  writeConfig(configPath, 'bench:accuracy base config; each run adds --set method.name=... --set seed=...', {
    backend: o.backend,
    threads: 1,
    model: { arch: o.model },
    data: { dataset: o.dataset, batch_size: o.batch, limit_train: o.limitTrain ?? null, limit_test: o.limitTest ?? null },
    method: { gamma: 0.01, alpha: 0.5, rho: 0.05, eta: 0.1, beta: 0.99, sigma_inc: 0 },
    optim: { lr: o.lr, momentum: 0.9, weight_decay: 0.0005, schedule: 'cosine' },
    train: { epochs: o.epochs, eval: true, step_times: false },
  });

  const seeds = Array.from({ length: o.seeds }, (_, i) => o.firstSeed + i);
  const runs: AccuracyRun[] = [];
  const loads = [loadavg()[0]];
  const total = seeds.length * specs.length;
  // Seed by seed, the methods in turn: a slow stretch of the host hits every method alike.
  for (const seed of seeds) {
    for (const spec of specs) {
      const name = `${spec.key}-seed${seed}`;
      process.stderr.write(`bench:accuracy: [${runs.length + 1}/${total}] ${name} (${spec.label}, ${o.epochs} SGD-equivalent epochs) ... `);
      const done = await runTraining({ name, method: spec.method, nproc: spec.nproc, sets: [`method.name=${spec.method}`, `seed=${seed}`, ...spec.sets, ...o.set] }, configPath, runsDir);
      const run = readRun(done.dir);
      copyRunResults(done.dir, join(out, 'runs', name));
      runs.push({ spec, seed, run: { ...run, dir: join(out, 'runs', name) }, cpu: done.cpu });
      loads.push(done.loadAfter);
      const acc = run.summary?.test_acc;
      const others = done.cpu ? `, other processes ${done.cpu.other_cores.toFixed(2)} cores` : '';
      process.stderr.write(`${done.seconds.toFixed(1)} s, test acc ${acc === null || acc === undefined ? '-' : (acc * 100).toFixed(2) + '%'}, load ${done.loadAfter.toFixed(2)}${others}\n`);
    }
  }

  const results = accuracyResults(specs, runs, o.epochs);
  const gains = accuracyGains(gainPairs(specs), runs);
  const command = `npm run bench:accuracy -- ${process.argv.slice(2).join(' ')}`.trim();
  const host = hostDescription();
  const backend = runs[0]?.run.summary?.backend ?? o.backend;
  writeFileSync(
    join(out, 'results.json'),
    JSON.stringify(
      {
        benchmark: 'accuracy',
        command,
        finished: new Date().toISOString(),
        host,
        options: { ...o, backend_used: backend },
        load_averages: loads,
        methods: results,
        gains,
        runs: runs.map((r) => ({ name: `${r.spec.key}-seed${r.seed}`, method: r.spec.method, nproc: r.spec.nproc, seed: r.seed, dir: relative(out, r.run.dir), cpu: r.cpu, summary: r.run.summary })),
      },
      null,
      2,
    ) + '\n',
  );
  await writeAccuracyReport(out, results, gains, runs, { command, model: o.model, dataset: o.dataset, batch: o.batch, epochs: o.epochs, lr: o.lr, backend, host, loadAverages: loads });
  if (o.json) for (const r of results) console.log(JSON.stringify(r));
  else process.stdout.write(accuracyTextTable(results) + '\n' + gainTextTable(gains));
  process.stderr.write(`bench:accuracy: results.json, runs/, accuracy and loss charts and report.md in ${out}\n`);
}

main().catch((e: unknown) => {
  const known = e instanceof BenchmarkError || e instanceof RunFileError;
  console.error(`\nbench:accuracy: ${known ? `error: ${(e as Error).message}` : e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
});
