// The one description of every config key: its type, default and meaning. The Config type,
// validation, `--set` overrides and configs/README.md are all derived from it. Lists of names come
// from the packages that own them, so a new backend, model or dataset is a valid value here as is.
import { BACKEND_NAMES } from '@rwp/backend';
import { COLLECTIVE_BACKENDS, DEFAULT_COLLECTIVE_BACKEND } from '@rwp/collective';
import { DATASET_NAMES } from '@rwp/data';
import { ARCHS } from '@rwp/models';
import { DEFAULT_TIMEOUT_MS } from '@rwp/process-group';
import { METHOD_NAMES, methodNamesDoc } from './methods/index.js';
import { SCHEDULE_KINDS } from './schedule.js';

export type FieldType = { nullable: boolean } & (
  | { kind: 'int' | 'number'; min?: number; max?: number }
  | { kind: 'bool' }
  | { kind: 'string' }
  | { kind: 'enum'; values: readonly string[] }
);

/** A field type together with the TypeScript type of its values (`value` is never set: it only carries T). */
type Kind<T> = FieldType & { readonly value?: T };

/** One key: its type, its default and what it means. T is the type of its value in Config. */
export interface Field<T> {
  readonly type: FieldType;
  readonly default: T;
  readonly doc: string;
}

const int = (bounds: { min?: number; max?: number } = {}): Kind<number> => ({ kind: 'int', nullable: false, ...bounds });
const num = (bounds: { min?: number; max?: number } = {}): Kind<number> => ({ kind: 'number', nullable: false, ...bounds });
const bool = (): Kind<boolean> => ({ kind: 'bool', nullable: false });
const str = (): Kind<string> => ({ kind: 'string', nullable: false });
const oneOf = <V extends string>(values: readonly V[]): Kind<V> => ({ kind: 'enum', nullable: false, values });
/** null means "not set": the run picks the value itself (the doc says how). */
const orNull = <T>(kind: Kind<T>): Kind<T | null> => ({ ...kind, nullable: true });
const field = <T>(type: Kind<T>, def: NoInfer<T>, doc: string): Field<T> => ({ type, default: def, doc });

export const SCHEMA = {
  seed: field(int({ min: 0 }), 0, 'Seed of every random stream (initial weights, shuffling, augmentation, noise).'),
  run_dir: field(orNull(str()), null, 'Where checkpoints, metrics, logs and the exported model go. `--run-dir` overrides it; without either, `runs/<config name>-<time>`.'),
  backend: field(oneOf(BACKEND_NAMES), 'auto', '`auto` takes tfjs-node-gpu (installed and a GPU visible), then `webgpu` on a hardware adapter, then tfjs-node, then the native CPU kernels, then wasm. `webgpu` by name also takes a software adapter (SwiftShader: correct, slow). `cpu` (pure JS) only when asked for.'),
  threads: field(orNull(int({ min: 1 })), null, 'CPU threads per worker for the native kernels. Default: 1 per rank under rwp-launch (RWP_THREADS), all cores for rwp-train alone.'),
  model: {
    arch: field(oneOf(ARCHS), 'cnn', 'Model architecture.'),
  },
  data: {
    dataset: field(oneOf(DATASET_NAMES), 'fashion-mnist', "Dataset. fashion-mnist is found where Debian's dataset-fashion-mnist puts it; the others need `data.dir`."),
    dir: field(orNull(str()), null, 'Directory of the dataset files (IDX, CIFAR binary batches, or an image folder with train/ and val/).'),
    batch_size: field(int({ min: 1 }), 128, 'Mini-batch size per rank.'),
    augment: field(bool(), false, "Random crop (padding 4) and horizontal flip, as the original does on CIFAR; on an image folder, torchvision's RandomResizedCrop (`crop_scale_*`, `crop_ratio_*`) and horizontal flip instead. Without it an image folder trains on the evaluation transform."),
    cutout: field(bool(), false, 'Cutout, a 16x16 square zeroed with p 0.5, after normalisation.'),
    image_size: field(orNull(int({ min: 4 })), null, 'Side of the square images: an image folder is cropped and resized to it (null: 224), synthetic images are made at it (null: 32; small sides make quick checks on slow backends).'),
    crop_scale_min: field(num({ min: 0, max: 1 }), 0.08, "Image folder, `augment`: the random crop's smallest area, as a fraction of the image (torchvision's RandomResizedCrop scale)."),
    crop_scale_max: field(num({ min: 0, max: 1 }), 1, "Image folder, `augment`: the random crop's largest area fraction."),
    crop_ratio_min: field(num({ min: 0 }), 0.75, "Image folder, `augment`: the random crop's smallest width/height before resizing (torchvision's ratio, 3/4)."),
    crop_ratio_max: field(num({ min: 0 }), 4 / 3, "Image folder, `augment`: the random crop's largest width/height (4/3)."),
    eval_resize: field(orNull(int({ min: 4 })), null, 'Image folder: evaluation resizes the shorter side to this, then crops the centre `image_size` square (null: image_size * 256/224, 256 for 224).'),
    prefetch: field(bool(), true, 'Prepare the next batches in worker threads while the current step computes.'),
    workers: field(orNull(int({ min: 1 })), null, 'Worker threads preparing batches (decoding an image folder), with `prefetch`. null: 1 for data in memory; for an image folder, the cores of this host shared among its ranks (LOCAL_WORLD_SIZE), less one per rank, at least 1.'),
    prefetch_depth: field(int({ min: 1 }), 2, "Batches prepared ahead, per batch a step consumes (at least `workers` in all)."),
    skip_bad_images: field(bool(), false, 'Image folder: leave out an unreadable image (corrupt, truncated, empty, not an image, too large) and count it in the epoch line and the summary, instead of stopping the run with its name.'),
    limit_train: field(orNull(int({ min: 1 })), null, 'Use only the first N training images (smoke runs).'),
    limit_test: field(orNull(int({ min: 1 })), null, 'Use only the first N test images (smoke runs).'),
  },
  method: {
    name: field(oneOf(METHOD_NAMES), 'sgd', methodNamesDoc()),
    gamma: field(num({ min: 0 }), 0.01, "RWP and ARWP: noise std per filter, relative to the filter's norm (sigma in the follow-up): 0.01 RWP on CIFAR, 0.005 on ImageNet, 0.015 m-RWP and m-ARWP on CIFAR."),
    alpha: field(num({ min: 0, max: 1 }), 0.5, 'RWP and ARWP: weight of the perturbed gradient; the clean one gets 1 - alpha (lambda in the follow-up, 0.5).'),
    perturbed_ranks: field(orNull(int({ min: 1 })), null, 'RWP and ARWP, world size >= 2: how many ranks compute perturbed gradients (the odd ranks first). Default: half the world, rounded down, at least 1.'),
    eta: field(num({ min: 0 }), 0.1, "ARWP: filter j's noise std is gamma norm(W_j) / sqrt(1 + eta F_j). 0.1 in the original's scripts (its code's default is 1)."),
    beta: field(num({ min: 0, max: 1 }), 0.99, "ARWP: decay of F: F_j <- beta F_j + the sum over filter j of g^2, g the gradient of the perturbed pass's own loss (unweighted, without weight decay). A decayed sum as in the original's code, not an average (no 1 - beta factor). F is kept per filter (each element of a vector is a filter) and is the same on every rank: the perturbed ranks' sums travel in the gradient's allreduce and F takes their mean. 0.99 in the original's scripts (its code's default is 0.9)."),
    sigma_inc: field(num({ min: 0 }), 0, "RWP and ARWP: the noise scale rises on a cosine over the run's optimizer steps t of T (train.epochs' worth), gamma (1 + sigma_inc (1 - cos(pi t / T)) / 2), from gamma to gamma (1 + sigma_inc): the original's CosineInc, 10 in its one-pass ARWP script, off in its m-ARWP script. 0: a constant gamma."),
    rho: field(num({ min: 0 }), 0.05, 'SAM: radius of the ascent step.'),
    adaptive: field(bool(), false, 'SAM: the adaptive variant (ASAM), e = rho T^2 g / ||T g|| with T = |w|.'),
  },
  optim: {
    lr: field(num({ min: 0 }), 0.05, 'Peak learning rate.'),
    momentum: field(num({ min: 0, max: 1 }), 0.9, 'SGD momentum (PyTorch semantics, dampening 0).'),
    weight_decay: field(num({ min: 0 }), 5e-4, 'Coupled weight decay (added to the gradient before momentum, as PyTorch SGD).'),
    schedule: field(oneOf(SCHEDULE_KINDS), 'cosine', '`cosine` (stepped per epoch, as the original), `step` (x0.1 at 50% and 75% of the epochs) or `constant`.'),
    warmup_epochs: field(int({ min: 0 }), 0, 'Linear warm-up over this many epochs before the schedule.'),
  },
  train: {
    epochs: field(int({ min: 1 }), 10, 'Epochs, counted as single-device SGD counts them: parallel RWP runs as many optimizer steps as SGD would (the original doubles its epochs for that).'),
    max_steps: field(orNull(int({ min: 1 })), null, 'Stop after this many optimizer steps (smoke runs and benchmarks).'),
    checkpoint_every: field(int({ min: 1 }), 1, 'Write a checkpoint every K epochs (and always at the end).'),
    keep_checkpoints: field(int({ min: 1 }), 2, 'Checkpoints kept: RUN_DIR/checkpoint.bin is the newest, checkpoint.1.bin the one before, and so on. A resume takes the newest whose checksums hold and says which it skipped.'),
    log_every: field(int({ min: 1 }), 50, 'Log a training line every N steps.'),
    step_times: field(bool(), false, "Every rank writes each step's times (step, compute, communication, data, in ms) to RUN_DIR/steps/rank-<R>.jsonl, for benchmarks."),
    eval: field(bool(), true, 'Evaluate on the test split after every epoch.'),
  },
  dist: {
    timeout_s: field(num({ min: 1 }), DEFAULT_TIMEOUT_MS / 1000, 'Deadline of every collective operation; a dead or stalled peer is an error naming it within this time.'),
    backend: field(oneOf(COLLECTIVE_BACKENDS), DEFAULT_COLLECTIVE_BACKEND, "What moves the gradients (allreduce) and the initial weights (broadcast) between ranks. `ring`: rwp's own ring, over shared memory between ranks of a host and TCP between hosts, under any launcher. `mpi`: Open MPI's MPI_Allreduce and MPI_Bcast (Debian's openmpi-bin and libopenmpi-dev, and the @rwp/mpi addon), for workers started by mpirun; it takes whatever network Open MPI finds (InfiniBand included). Rendezvous, job token and failure detection stay rwp's either way."),
  },
};

type ValueOf<S> = S extends Field<infer T> ? T : { -readonly [K in keyof S]: ValueOf<S[K]> };

/** A resolved run config: every key of SCHEMA with a value of its type. */
export type Config = ValueOf<typeof SCHEMA>;

/** A field with its dotted key (`method.name`), in the order SCHEMA lists them. */
export interface KeyedField extends Field<unknown> {
  readonly key: string;
}

function isField(node: object): node is Field<unknown> {
  return 'doc' in node && 'type' in node;
}

function flatten(node: object, prefix: string): KeyedField[] {
  return Object.entries(node).flatMap(([name, child]: [string, object]) => {
    const key = prefix + name;
    return isField(child) ? [{ key, ...child }] : flatten(child, `${key}.`);
  });
}

export const FIELDS: readonly KeyedField[] = flatten(SCHEMA, '');

export const FIELD_BY_KEY: ReadonlyMap<string, KeyedField> = new Map(FIELDS.map((f) => [f.key, f]));

/**
 * What a field accepts, in words: the type column of configs/README.md and the "expected ..." of
 * an error. `code` formats the names of an enum (backticks in Markdown).
 */
export function typeText(t: FieldType, code: (name: string) => string = (name) => name): string {
  const orNullText = t.nullable ? ' or null' : '';
  switch (t.kind) {
    case 'enum':
      return `one of ${t.values.map(code).join(', ')}${orNullText}`;
    case 'int':
    case 'number': {
      const range = [t.min !== undefined ? `>= ${t.min}` : '', t.max !== undefined ? `<= ${t.max}` : ''].filter(Boolean).join(', ');
      return `${t.kind === 'int' ? 'integer' : 'number'}${range ? ` (${range})` : ''}${orNullText}`;
    }
    case 'bool':
      return `boolean${orNullText}`;
    case 'string':
      return `string${orNullText}`;
  }
}
