// The stall a checkpoint puts on the training loop (issue 23), ResNet-18 on CIFAR's shape (11.2M
// parameters, ~90 MB a checkpoint): written synchronously on the training thread, as before,
// against CheckpointWriter's copy-and-go; and the cost of the checksums (CRC-32 of every array).
// The stall includes reading the BatchNorm statistics, as train.ts's saveCheckpoint does. The
// "before" of issue 23 is the synchronous write less the checksums.
//
//   node benchmarks/dist/checkpoint.js [DIR=os.tmpdir()] [repeats=7]
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@rwp/backend';
import { buildModel } from '@rwp/models';
import { CheckpointWriter, encodeCheckpoint, modelVars, writeCheckpoint, type Checkpoint } from '@rwp/trainer';
import { readHostCpu } from './host-cpu.js';

const root = process.argv[2] ?? tmpdir();
const repeats = Number(process.argv[3] ?? 7);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number): number => Math.round(x * 10) / 10;

await initBackend({ backend: 'native', threads: 1, log: () => undefined });
const model = buildModel({ arch: 'resnet18', inputShape: [32, 32, 3], numClasses: 10, seed: 0 });
const { trainable, buffers } = modelVars(model);
const weights = await trainable.read();
const momentum = weights.map((w) => w / 2);

async function state(step: number): Promise<Checkpoint> {
  const meta = { pass: step, stepInPass: 0, step, seed: 0, config: {}, configHash: 'bench', wallSeconds: 0, bestTestAcc: null, partial: {} };
  return { meta, arrays: { weights, momentum, buffers: await buffers.read() } };
}

const dir = mkdtempSync(join(root, 'rwp-bench-ckpt-'));
const hostBefore = readHostCpu();
const wallBefore = performance.now();
const results = { sync_stall_ms: [] as number[], async_stall_ms: [] as number[], async_to_disk_ms: [] as number[], checksum_ms: [] as number[] };
try {
  for (let i = 0; i < repeats; i++) {
    let t = performance.now();
    writeCheckpoint(dir, await state(i), 2);
    results.sync_stall_ms.push(performance.now() - t);

    const c = await state(i);
    t = performance.now();
    encodeCheckpoint(c);
    results.checksum_ms.push(performance.now() - t);
  }
  const c = await state(0);
  const writer = new CheckpointWriter(dir, 2, Object.values(c.arrays).reduce((s, a) => s + a.byteLength, 0));
  // In a run the first checkpoint comes an epoch after the writer is made, its buffer long ready.
  await writer.flush();
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    await writer.save(await state(i));
    results.async_stall_ms.push(performance.now() - t);
    await writer.flush();
    results.async_to_disk_ms.push(performance.now() - t);
  }
  await writer.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const hostAfter = readHostCpu();
const wallS = (performance.now() - wallBefore) / 1000;
const summary = {
  model: 'resnet18 (CIFAR shape)',
  params: trainable.size,
  checkpoint_bytes: encodeCheckpoint(await state(0)).reduce((s, b) => s + b.byteLength, 0),
  dir,
  repeats,
  cpu: cpus()[0]?.model,
  host_busy_cores: hostBefore && hostAfter ? round((hostAfter.busy - hostBefore.busy) / wallS) : null,
  // The first of each kind pays first-touch page faults (of the files' pages; and the worker's start); medians are steady state.
  first: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, round(v[0])])),
  median: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, round(median(v))])),
  all: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.map(round)])),
};
console.log(JSON.stringify(summary));
process.exit(0);
