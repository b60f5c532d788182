// The checkpoint stall before issue 23, in bench:checkpoint's harness: train.ts's saveCheckpoint
// of commit cd0d4a4 (buffers.read(), then the synchronous writeCheckpoint of checkpoint-cd0d4a4.js,
// that commit's compiled packages/trainer/src/checkpoint.ts, unchanged) for ResNet-18 (CIFAR shape).
//   node benchmarks/results/checkpoint-resnet18/before.mjs [DIR=/tmp] [repeats=7]   (after npx tsc -b)
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeCheckpoint } from './checkpoint-cd0d4a4.js';

const packages = new URL('../../../packages/', import.meta.url).pathname;
const { initBackend } = await import(`${packages}backend/dist/index.js`);
const { buildModel } = await import(`${packages}models/dist/index.js`);
const { modelVars } = await import(`${packages}trainer/dist/index.js`);
const repeats = Number(process.argv[3] ?? 7);
await initBackend({ backend: 'native', threads: 1, log: () => {} });
const model = buildModel({ arch: 'resnet18', inputShape: [32, 32, 3], numClasses: 10, seed: 0 });
const { trainable, buffers } = modelVars(model);
const weights = await trainable.read();
const momentum = weights.map((w) => w / 2);
const dir = mkdtempSync(join(process.argv[2] ?? '/tmp', 'rwp-bench-before-'));
const stall = [];
for (let i = 0; i < repeats; i++) {
  const t = performance.now();
  const meta = { pass: i, stepInPass: 0, step: i, seed: 0, config: {}, configHash: 'bench', wallSeconds: 0, bestTestAcc: null, partial: {} };
  writeCheckpoint(dir, { meta, arrays: { weights, momentum, buffers: await buffers.read() } });
  stall.push(Math.round((performance.now() - t) * 10) / 10);
}
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ code: 'cd0d4a4 (before)', first: { sync_stall_ms: stall[0] }, median: { sync_stall_ms: [...stall].sort((a, b) => a - b)[Math.floor(stall.length / 2)] }, all: { sync_stall_ms: stall } }));
process.exit(0);
