// The worker: sets up backend, process group, data and model, then runs the steps, evaluates
// every pass, writes metrics and checkpoints, and exports the final model.
import { availableParallelism } from 'node:os';
import { mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { initBackend } from '@rwp/backend';
import { connect, resolveProcessGroup, type Communicator } from '@rwp/collective';
import { augmentKey, defaultDataWorkers, epochBatches, loadDataset, Prefetcher, type Augment, type Dataset } from '@rwp/data';
import { buildModel } from '@rwp/models';
import { commTimeoutFromEnv, launchedByRwp, lockRunDir, takeOverNote, threadsFromEnv, type RunDirLock } from '@rwp/process-group';
import { configHash, resolveConfig, type Config } from './config.js';
import { readNewestCheckpoint, CheckpointError, type CheckpointMeta } from './checkpoint.js';
import { CheckpointWriter } from './checkpoint-writer.js';
import { formatBytes, sweepDeadWritersTemps } from './durable-write.js';
import { evaluateBatch, type Batch } from './gradients.js';
import { Stepper } from './stepper.js';
import { emptyFisher, type TrainState } from './train-state.js';
import { appendMetrics, readMetrics, StepTimes, stepSplit, stragglerMessage, stragglers, truncateMetrics, writeJsonAtomic, type EpochMetrics } from './metrics.js';
import { modelVars } from './params.js';
import { resumeConfigChanges } from './resume-config.js';
import { RunProgress } from './run-progress.js';
import { planRun } from './run-plan.js';
import { lrAt } from './schedule.js';
import { exportLayersModel } from './export-model.js';
import type { Logger } from './log.js';
import { RunError } from './errors.js';

export interface TrainOptions {
  config: Config;
  runDir: string;
  resume: boolean;
  log: Logger;
  env?: NodeJS.ProcessEnv;
}

export interface Summary {
  test_acc: number | null;
  best_test_acc: number | null;
  epochs: number;
  steps: number;
  wall_seconds: number;
  method: Config['method'];
  model: string;
  dataset: string;
  batch_size: number;
  world_size: number;
  backend: string;
  optim: Config['optim'];
  seed: number;
  /** Unreadable training images left out over the run, all ranks (data.skip_bad_images). */
  skipped_images: number;
}

/** Accumulators of one pass, summed over steps (and then over ranks). */
interface PassSums {
  loss: number;
  correct: number;
  count: number;
  steps: number;
  computeMs: number;
  commMs: number;
  dataMs: number;
  trainMs: number;
  images: number;
  /** Unreadable images left out (data.skip_bad_images). */
  skipped: number;
}

const zeroSums = (): PassSums => ({ loss: 0, correct: 0, count: 0, steps: 0, computeMs: 0, commMs: 0, dataMs: 0, trainMs: 0, images: 0, skipped: 0 });

/** CIFAR's padded crop, or an image folder's random resized crop; the flip and cutout either way. */
function augmentOf(data: Config['data']): Augment | undefined {
  if (!data.augment && !data.cutout) return undefined;
  const folder = data.dataset === 'imagefolder';
  const resizedCrop = folder && data.augment ? { scale: [data.crop_scale_min, data.crop_scale_max] as [number, number], ratio: [data.crop_ratio_min, data.crop_ratio_max] as [number, number] } : undefined;
  return { crop: data.augment && !folder ? 4 : 0, resizedCrop, flip: data.augment, cutout: data.cutout ? { size: 16, p: 0.5 } : undefined };
}

/** A pass's partial record is followed by its whole one, which counts the partial's images again. */
function skippedOverRun(metrics: EpochMetrics[]): number {
  return metrics.reduce((n, m, i) => (m.partial && metrics[i + 1]?.epoch === m.epoch ? n : n + (m.skipped_images ?? 0)), 0);
}

/** Worker threads per rank: none without prefetch; by default one for data in memory, the host's share for an image folder. */
function dataWorkers(data: Config['data'], ranksOnHost: number): number {
  if (!data.prefetch) return 0;
  return data.workers ?? (data.dataset === 'imagefolder' ? defaultDataWorkers(ranksOnHost) : 1);
}

async function evaluate(state: TrainState, ds: Dataset, comm: Communicator, data: Config['data'], ranksOnHost: number): Promise<{ loss: number; acc: number }> {
  const count = Math.min(ds.test.count, data.limit_test ?? Infinity);
  const mine: number[] = [];
  for (let i = comm.rank; i < count; i += comm.worldSize) mine.push(i);
  let loss = 0;
  let correct = 0;
  let seen = 0;
  const B = 256;
  const shape: Batch['shape'] = [ds.test.height, ds.test.width, ds.test.channels];
  const prefetcher = new Prefetcher(ds.test, { mean: ds.mean, std: ds.std, workers: dataWorkers(data, ranksOnHost), skipBadImages: data.skip_bad_images, rank: comm.rank });
  try {
    const requests = [];
    for (let i = 0; i < mine.length; i += B) requests.push({ indices: Int32Array.from(mine.slice(i, i + B)) });
    prefetcher.schedule(requests);
    for (let i = 0; i < requests.length; i++) {
      const { x, y } = await prefetcher.next();
      const r = await evaluateBatch(state.model, { x, y, shape }, ds.numClasses);
      loss += r.loss * r.count;
      correct += r.correct;
      seen += r.count;
    }
  } finally {
    await prefetcher.close();
  }
  const all = await comm.allgather({ loss, correct, seen });
  const tot = all.reduce((a, b) => ({ loss: a.loss + b.loss, correct: a.correct + b.correct, seen: a.seen + b.seen }), { loss: 0, correct: 0, seen: 0 });
  return { loss: tot.loss / tot.seen, acc: tot.correct / tot.seen };
}

function threadsFor(config: Config, env: NodeJS.ProcessEnv | undefined): number {
  if (config.threads !== null) return config.threads;
  return threadsFromEnv(env) ?? (launchedByRwp(env) ? 1 : availableParallelism());
}

export async function train(opts: TrainOptions): Promise<Summary> {
  const { config, runDir, log } = opts;
  const started = performance.now();
  const group = resolveProcessGroup(opts.env);
  const timeoutMs = commTimeoutFromEnv(opts.env) ?? config.dist.timeout_s * 1000;
  const backend = await initBackend({ backend: config.backend, threads: threadsFor(config, opts.env), log: (m) => log.debug(m) }).catch((e: Error) => {
    throw new RunError(e.message);
  });
  log.info({ backend: backend.name, threads: backend.threads }, `backend ${backend.name}: ${backend.reason}`);
  mkdirSync(runDir, { recursive: true });

  const comm = await connect({ ...group, timeoutMs, backend: config.dist.backend, logDir: join(runDir, 'logs') });
  let lock: RunDirLock | null = null;
  let writer: CheckpointWriter | null = null;
  try {
    // Rank 0 writes the run directory's files and holds it, unless rwp-launch (which holds it) started this rank.
    if (comm.rank === 0 && !launchedByRwp(opts.env)) lock = lockRunDir(runDir, 'rwp-train');
    const tookOver = lock && takeOverNote(lock);
    if (tookOver) log.warn(tookOver);
    if (comm.rank === 0) {
      const swept = sweepDeadWritersTemps(runDir);
      if (swept.files.length > 0) log.warn(`removed ${swept.files.length} temporary file(s), ${formatBytes(swept.bytes)}, left by a writer that died mid-write: ${swept.files.join(', ')}`);
    }
    const hash = configHash(config);
    const hashes = await comm.allgather(hash);
    const differing = hashes.map((h, r) => (h === hashes[0] ? -1 : r)).filter((r) => r >= 0);
    if (differing.length) {
      throw new RunError(`config of rank(s) ${differing.join(', ')} differs from rank 0's (hash ${hashes[differing[0]]} vs ${hashes[0]}): every rank must run the same config`);
    }
    const dataPath =
      comm.worldSize === 1
        ? 'none'
        : config.dist.backend === 'mpi'
          ? 'Open MPI (dist.backend: mpi)'
          : comm.sharedMemory
            ? 'shared memory'
            : comm.sharedMemoryLinks > 0
              ? `shared memory on ${comm.sharedMemoryLinks} of ${comm.worldSize} links, sockets on the others`
              : `${group.transport} sockets`;
    log.info(
      { world_size: comm.worldSize, source: group.source, run_dir: runDir, allreduce: dataPath },
      `rank ${comm.rank} of ${comm.worldSize} ready${comm.worldSize > 1 ? `; allreduce over ${dataPath}` : ''}`,
    );

    const ds = await loadDataset({ dataset: config.data.dataset, dir: config.data.dir ?? undefined, imageSize: config.data.image_size ?? undefined, evalResize: config.data.eval_resize ?? undefined });
    const trainCount = Math.min(ds.train.count, config.data.limit_train ?? Infinity);
    const plan = planRun(config, comm.worldSize, trainCount);
    const model = buildModel({ arch: config.model.arch, inputShape: [ds.train.height, ds.train.width, ds.train.channels], numClasses: ds.numClasses, seed: config.seed });
    const { trainable, buffers } = modelVars(model);
    const state: TrainState = { model, trainable, buffers, weights: await trainable.read(), momentum: new Float32Array(trainable.size), step: 0, fisher: emptyFisher(trainable) };
    log.info(
      { params: trainable.size, dataset: ds.name, train_images: trainCount, steps: plan.totalSteps, passes: plan.passes, steps_per_pass: plan.stepsPerPass },
      `${config.model.arch} (${trainable.size} parameters) on ${ds.name}: ${plan.totalSteps} steps in ${plan.passes} passes of ${plan.stepsPerPass}`,
    );

    let pass = 0;
    let stepInPass = 0;
    let wallBefore = 0;
    let best: number | null = null;
    let sums = zeroSums();
    if (opts.resume) {
      const meta = await restore(state, runDir, config, comm, log);
      if (meta) {
        ({ pass, stepInPass } = meta);
        wallBefore = meta.wallSeconds;
        best = meta.bestTestAcc;
        sums = { ...zeroSums(), ...meta.partial };
        if (comm.rank === 0) truncateMetrics(runDir, pass);
      }
    }

    const stepper = new Stepper(state, comm, config.method, config.seed, plan.scheduleSteps);
    const augment = augmentOf(config.data);
    const prefetcher = new Prefetcher(ds.train, {
      augment, mean: ds.mean, std: ds.std, workers: dataWorkers(config.data, group.localWorldSize), ahead: config.data.prefetch_depth * plan.batchesPerRank,
      skipBadImages: config.data.skip_bad_images, rank: comm.rank,
    });
    const shape: Batch['shape'] = [ds.train.height, ds.train.width, ds.train.channels];
    const stepTimes = config.train.step_times ? new StepTimes(runDir, comm.rank) : null;
    const progress = comm.rank === 0
      ? new RunProgress(log, { total: plan.totalSteps, epochs: plan.passes, firstStep: state.step, imagesPerStep: config.data.batch_size * plan.replicas })
      : null;
    let last: { acc: number | null } = { acc: null };
    const logicalRanks = Array.from({ length: plan.batchesPerRank }, (_, i) => comm.rank * plan.batchesPerRank + i);
    if (comm.rank === 0) writer = new CheckpointWriter(runDir, config.train.keep_checkpoints, 4 * (2 * trainable.size + buffers.size + state.fisher.length));
    const saveCheckpoint = async () => {
      if (!writer) return;
      const meta: CheckpointMeta = {
        pass, stepInPass, step: state.step, seed: config.seed, config, configHash: hash,
        wallSeconds: wallBefore + (performance.now() - started) / 1000, bestTestAcc: best, partial: { ...sums },
      };
      await writer.save({ meta, arrays: { weights: state.weights, momentum: state.momentum, buffers: await buffers.read(), fisher: state.fisher } });
    };

    while (state.step < plan.totalSteps) {
      const lr = lrAt({ kind: config.optim.schedule, lr: config.optim.lr, epochs: plan.passes, warmupEpochs: config.optim.warmup_epochs }, pass);
      const shards = logicalRanks.map((replica) =>
        epochBatches({ count: trainCount, replicas: plan.replicas, replica, batchSize: config.data.batch_size, seed: config.seed, epoch: pass, shuffle: true }),
      );
      const passStart = performance.now() - sums.trainMs;
      const lastStep = Math.min(plan.stepsPerPass, stepInPass + plan.totalSteps - state.step);
      for (let s = stepInPass; s < lastStep; s++) {
        prefetcher.schedule(logicalRanks.map((replica, i) => ({ indices: shards[i][s], key: augment ? augmentKey(config.seed, pass, s, replica) : undefined })));
      }
      while (stepInPass < lastStep) {
        const d0 = performance.now();
        const batches: Batch[] = [];
        for (let i = 0; i < logicalRanks.length; i++) batches.push({ ...(await prefetcher.next()), shape });
        const dataMs = performance.now() - d0;
        const s0 = performance.now();
        const r = await stepper.step(
          { lr, momentum: config.optim.momentum, weightDecay: config.optim.weight_decay, classes: ds.numClasses },
          batches,
        );
        for (const b of batches) prefetcher.recycle(b);
        writer?.throwIfFailed();
        stepTimes?.add({ step: state.step, epoch: pass + 1, step_ms: performance.now() - s0 + dataMs, compute_ms: r.computeMs, comm_ms: r.commMs, data_ms: dataMs });
        stepInPass++;
        sums.steps++;
        sums.computeMs += r.computeMs;
        sums.commMs += r.commMs;
        sums.dataMs += dataMs;
        sums.images += batches.reduce((s, b) => s + b.y.length, 0);
        sums.skipped += batches.reduce((s, b) => s + (b.skipped?.length ?? 0), 0);
        if (r.clean) {
          sums.loss += r.clean.loss * r.clean.count;
          sums.correct += r.clean.correct;
          sums.count += r.clean.count;
        }
        progress?.update(state.step, pass + 1, sums.count ? sums.loss / sums.count : null, lr);
        if (state.step % config.train.log_every === 0 && r.clean) {
          log.info({ step: state.step, epoch: pass + 1, loss: r.clean.loss, lr, step_ms: r.computeMs + r.commMs, comm_ms: r.commMs }, `step ${state.step}: loss ${r.clean.loss.toFixed(4)}`);
        }
      }
      sums.trainMs = performance.now() - passStart;
      stepTimes?.flush();
      const passDone = stepInPass >= plan.stepsPerPass;
      const ranks = await comm.allgather(sums);
      const rankComputeMs = ranks.map((r) => r.computeMs / r.steps);
      const totals = ranks.reduce((a, b) => {
        const o = { ...a };
        for (const k of Object.keys(o) as Array<keyof PassSums>) o[k] = a[k] + b[k];
        return o;
      });
      await checkInStep(state, comm);
      stepper.syncModel();
      const evalResult = config.train.eval ? await evaluate(state, ds, comm, config.data, group.localWorldSize) : null;
      if (evalResult) best = Math.max(best ?? 0, evalResult.acc);
      last = { acc: evalResult?.acc ?? null };
      const m: EpochMetrics = {
        epoch: pass + 1,
        step: state.step,
        lr,
        train_loss: totals.count ? totals.loss / totals.count : NaN,
        train_acc: totals.count ? totals.correct / totals.count : NaN,
        test_loss: evalResult?.loss ?? null,
        test_acc: evalResult?.acc ?? null,
        epoch_seconds: sums.trainMs / 1000,
        step_ms: sums.trainMs / sums.steps,
        comm_ms: totals.commMs / totals.steps,
        data_ms: totals.dataMs / totals.steps,
        images_per_s: totals.images / (sums.trainMs / 1000),
        rank_compute_ms: rankComputeMs,
        skipped_images: totals.skipped,
      };
      if (comm.rank === 0) {
        appendMetrics(runDir, passDone ? m : { ...m, partial: true });
        log.info({ metrics: m }, `epoch ${m.epoch} of ${plan.passes}: train loss ${m.train_loss.toFixed(4)} acc ${(m.train_acc * 100).toFixed(2)}%` +
          (evalResult ? `, test loss ${evalResult.loss.toFixed(4)} acc ${(evalResult.acc * 100).toFixed(2)}%` : '') +
          `, ${m.step_ms.toFixed(1)} ms/step (comm ${m.comm_ms.toFixed(1)}, data ${m.data_ms.toFixed(1)})` +
          (totals.skipped ? `, ${totals.skipped} unreadable image${totals.skipped === 1 ? '' : 's'} skipped` : ''));
        if (passDone) for (const slow of stragglers(rankComputeMs)) log.warn({ straggler: slow }, stragglerMessage(m.epoch, slow));
      }
      if (passDone) {
        pass++;
        stepInPass = 0;
        sums = zeroSums();
        if (pass % config.train.checkpoint_every === 0 || state.step >= plan.totalSteps) await saveCheckpoint();
      } else {
        await saveCheckpoint();
      }
    }
    progress?.end();
    await prefetcher.close();
    stepper.syncModel();
    stepper.close();
    await writer?.close();

    const summary: Summary = {
      test_acc: last.acc,
      best_test_acc: best,
      epochs: pass + stepInPass / plan.stepsPerPass,
      steps: state.step,
      wall_seconds: wallBefore + (performance.now() - started) / 1000,
      method: config.method,
      model: config.model.arch,
      dataset: ds.name,
      batch_size: config.data.batch_size,
      world_size: comm.worldSize,
      backend: backend.name,
      optim: config.optim,
      seed: config.seed,
      skipped_images: skippedOverRun(readMetrics(runDir)),
    };
    if (comm.rank === 0) {
      writeJsonAtomic(join(runDir, 'summary.json'), summary);
      const path = await exportLayersModel(model, join(runDir, 'model'));
      // run_dir, model and timing are for rwp-launch's closing table.
      log.info({ summary, run_dir: runDir, model: path, timing: stepSplit(readMetrics(runDir)) }, `done: ${state.step} steps, test acc ${summary.test_acc === null ? '-' : (summary.test_acc * 100).toFixed(2) + '%'}, model in ${path}`);
    }
    await comm.barrier();
    return summary;
  } finally {
    // On the way out after an error, the write in flight still lands; the error that ended the run is the one reported.
    await writer?.close().catch(() => undefined);
    lock?.release();
    await comm.close();
  }
}

/** Every rank must hold the same weights and BatchNorm statistics; a rank that drifted stops the run. */
async function checkInStep(state: TrainState, comm: Communicator): Promise<void> {
  if (comm.worldSize === 1) return;
  const h = createHash('sha256');
  h.update(new Uint8Array(state.weights.buffer, state.weights.byteOffset, state.weights.byteLength));
  const stats = await state.buffers.read();
  h.update(new Uint8Array(stats.buffer, stats.byteOffset, stats.byteLength));
  h.update(new Uint8Array(state.fisher.buffer, state.fisher.byteOffset, state.fisher.byteLength));
  const hashes = await comm.allgather(h.digest('hex').slice(0, 16));
  const drifted = hashes.map((x, r) => (x === hashes[0] ? -1 : r)).filter((r) => r >= 0);
  if (drifted.length) {
    throw new RunError(`rank(s) ${drifted.join(', ')} hold weights that differ from rank 0's after step ${state.step}: the replicas drifted`);
  }
}

/** Rank 0 reads the checkpoint and sends it to every rank, so run dirs need not be shared. */
async function restore(state: TrainState, runDir: string, config: Config, comm: Communicator, log: Logger): Promise<CheckpointMeta | null> {
  const found = comm.rank === 0 ? readNewestCheckpoint(runDir) : null;
  const ckpt = found?.checkpoint ?? null;
  const meta = await comm.broadcastValue<CheckpointMeta | null>(comm.rank === 0 ? (ckpt?.meta ?? null) : undefined, 0);
  if (!meta) {
    log.info(`--resume: no checkpoint in ${runDir}; starting from the beginning`);
    return null;
  }
  for (const s of found?.skipped ?? []) log.warn({ skipped: s.path }, `--resume: skipped ${s.path} (${s.reason}); moved it to ${s.path}.invalid; resuming from ${found!.path}`);
  if (found && !found.verified) log.warn(`--resume: ${found.path} was written before checkpoints had checksums; loaded unverified`);
  const changes = resumeConfigChanges(meta.config, config, resolveConfig({}));
  if (changes.length > 0) {
    throw new CheckpointError(
      `the checkpoint in ${runDir} was written with another config: ${changes.join('; ')} (only train.* but train.epochs, data.prefetch, data.workers, data.prefetch_depth and dist.timeout_s may change on resume)`,
    );
  }
  const lengths = [state.weights.length, state.momentum.length, state.buffers.size];
  if (ckpt && (ckpt.arrays.weights.length !== lengths[0] || ckpt.arrays.buffers.length !== lengths[2])) {
    throw new CheckpointError(`the checkpoint in ${runDir} holds ${ckpt.arrays.weights.length} weights, the model has ${lengths[0]}`);
  }
  const buffers = new Float32Array(lengths[2]);
  if (ckpt) {
    state.weights.set(ckpt.arrays.weights);
    state.momentum.set(ckpt.arrays.momentum);
    buffers.set(ckpt.arrays.buffers);
    // Checkpoints written before ARWP hold no F: it was zero.
    if (ckpt.arrays.fisher) state.fisher.set(ckpt.arrays.fisher);
  }
  await comm.broadcast(state.weights, 0);
  await comm.broadcast(state.momentum, 0);
  await comm.broadcast(buffers, 0);
  await comm.broadcast(state.fisher, 0);
  state.trainable.write(state.weights);
  state.buffers.write(buffers);
  state.step = meta.step;
  log.info({ step: meta.step, epoch: meta.pass + 1 }, `resumed from step ${meta.step} (epoch ${meta.pass + 1}, step ${meta.stepInPass} of it)${found ? ` of ${found.path}` : ''}`);
  return meta;
}
