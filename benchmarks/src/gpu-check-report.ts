// Gathers what gpu-check.sh measured (adapter.json, compute.jsonl, optimizers/results.json in
// one folder) into gpu-check.json, and prints the README's table.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MethodResult } from './optimizers-results.js';

/** A line of compute.js --json. */
interface ComputeRow { model: string; backend: string; device?: string; batch: number; step_ms: number; images_per_s: number }

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node benchmarks/dist/gpu-check-report.js DIR');
  process.exit(2);
}
const read = (name: string): string | null => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : null);
const adapter = JSON.parse(read('adapter.json') ?? '{"ok":false,"reason":"adapter.json missing"}');
const compute: ComputeRow[] = (read('compute.jsonl') ?? '').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
const optimizers = JSON.parse(read('optimizers/results.json') ?? 'null') as { methods: MethodResult[] } | null;
writeFileSync(join(dir, 'gpu-check.json'), JSON.stringify({ adapter, compute, optimizers: optimizers?.methods ?? null }, null, 2) + '\n');

console.log(`adapter: ${adapter.ok ? adapter.description : `none (${adapter.reason})`}`);
console.log('\n| model, batch | rwp webgpu ms/step | img/s | PyTorch CUDA ms/step | img/s | webgpu / PyTorch |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const model of [...new Set(compute.map((r) => r.model))]) {
  const w = compute.find((r) => r.model === model && r.backend === 'webgpu');
  const p = compute.find((r) => r.model === model && r.backend === 'pytorch');
  const cell = (r: ComputeRow | undefined, f: (r: ComputeRow) => string) => (r ? f(r) : '-');
  console.log(
    `| ${model}, ${w?.batch ?? p?.batch} | ${cell(w, (r) => r.step_ms.toFixed(1))} | ${cell(w, (r) => r.images_per_s.toFixed(0))} | ` +
      `${cell(p, (r) => r.step_ms.toFixed(1))} | ${cell(p, (r) => r.images_per_s.toFixed(0))} | ${w && p ? (w.step_ms / p.step_ms).toFixed(2) + 'x' : '-'} |`,
  );
}
if (optimizers) {
  console.log('\n| method (webgpu, one GPU) | ranks | median ms/step | x SGD |');
  console.log('|---|---:|---:|---:|');
  for (const m of optimizers.methods) console.log(`| ${m.label} | ${m.nproc} | ${m.step_ms_median.toFixed(1)} | ${m.ratio_to_sgd.toFixed(2)} |`);
}
console.log(`\nwritten: ${join(dir, 'gpu-check.json')}`);
