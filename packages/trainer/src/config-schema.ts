// The one description of every config key: its type, default and meaning. Validation,
// `--set` overrides and configs/README.md are all derived from it.

export type FieldType =
  | { kind: 'int'; min?: number; max?: number; nullable?: boolean }
  | { kind: 'number'; min?: number; max?: number; nullable?: boolean }
  | { kind: 'bool' }
  | { kind: 'string'; nullable?: boolean }
  | { kind: 'enum'; values: readonly string[] };

export interface Field {
  key: string;
  type: FieldType;
  default: unknown;
  doc: string;
}

export const BACKENDS = ['auto', 'tensorflow-gpu', 'tensorflow', 'native', 'wasm', 'cpu'] as const;
export const ARCHS = ['mlp', 'cnn', 'resnet20', 'resnet18', 'vgg16bn', 'wrn16_8', 'wrn28_10'] as const;
export const DATASETS = ['fashion-mnist', 'mnist', 'cifar10', 'cifar100', 'imagefolder', 'synthetic'] as const;
export const METHODS = ['sgd', 'sam', 'rwp'] as const;
export const SCHEDULES = ['cosine', 'step', 'constant'] as const;

export const FIELDS: readonly Field[] = [
  { key: 'seed', type: { kind: 'int', min: 0 }, default: 0, doc: 'Seed of every random stream (initial weights, shuffling, augmentation, noise).' },
  { key: 'run_dir', type: { kind: 'string', nullable: true }, default: null, doc: 'Where checkpoints, metrics, logs and the exported model go. `--run-dir` overrides it; without either, `runs/<config name>-<time>`.' },
  { key: 'backend', type: { kind: 'enum', values: BACKENDS }, default: 'auto', doc: '`auto` takes tfjs-node-gpu (installed and a GPU visible), then tfjs-node, then the native CPU kernels, then wasm. `cpu` (pure JS) only when asked for.' },
  { key: 'threads', type: { kind: 'int', min: 1, nullable: true }, default: null, doc: 'CPU threads per worker for the native kernels. Default: 1 per rank under rwp-launch (RWP_THREADS), all cores for rwp-train alone.' },
  { key: 'model.arch', type: { kind: 'enum', values: ARCHS }, default: 'cnn', doc: 'Model architecture.' },
  { key: 'data.dataset', type: { kind: 'enum', values: DATASETS }, default: 'fashion-mnist', doc: 'Dataset. fashion-mnist is found where Debian\'s dataset-fashion-mnist puts it; the others need `data.dir`.' },
  { key: 'data.dir', type: { kind: 'string', nullable: true }, default: null, doc: 'Directory of the dataset files (IDX, CIFAR binary batches, or an image folder with train/ and val/).' },
  { key: 'data.batch_size', type: { kind: 'int', min: 1 }, default: 128, doc: 'Mini-batch size per rank.' },
  { key: 'data.augment', type: { kind: 'bool' }, default: false, doc: 'Random crop (padding 4) and horizontal flip, as the original does on CIFAR.' },
  { key: 'data.cutout', type: { kind: 'bool' }, default: false, doc: 'Cutout, a 16x16 square zeroed with p 0.5, after normalisation.' },
  { key: 'data.image_size', type: { kind: 'int', min: 8 }, default: 224, doc: 'Side of the square images an image folder is resized and cropped to.' },
  { key: 'data.prefetch', type: { kind: 'bool' }, default: true, doc: 'Prepare the next batch in a worker thread while the current step computes.' },
  { key: 'data.limit_train', type: { kind: 'int', min: 1, nullable: true }, default: null, doc: 'Use only the first N training images (smoke runs).' },
  { key: 'data.limit_test', type: { kind: 'int', min: 1, nullable: true }, default: null, doc: 'Use only the first N test images (smoke runs).' },
  { key: 'method.name', type: { kind: 'enum', values: METHODS }, default: 'sgd', doc: '`sgd`, `sam` (two passes in sequence) or `rwp` (clean and perturbed passes; in parallel across ranks for world size >= 2, in sequence in one process).' },
  { key: 'method.gamma', type: { kind: 'number', min: 0 }, default: 0.01, doc: 'RWP: noise std per filter, relative to the filter\'s norm (0.01 CIFAR, 0.005 ImageNet).' },
  { key: 'method.alpha', type: { kind: 'number', min: 0, max: 1 }, default: 0.5, doc: 'RWP: weight of the perturbed gradient; the clean one gets 1 - alpha.' },
  { key: 'method.perturbed_ranks', type: { kind: 'int', min: 1, nullable: true }, default: null, doc: 'RWP, world size >= 2: how many ranks compute perturbed gradients (the odd ranks first). Default: half the world, rounded down, at least 1.' },
  { key: 'method.rho', type: { kind: 'number', min: 0 }, default: 0.05, doc: 'SAM: radius of the ascent step.' },
  { key: 'method.adaptive', type: { kind: 'bool' }, default: false, doc: 'SAM: the adaptive variant (ASAM), e = rho T^2 g / ||T g|| with T = |w|.' },
  { key: 'optim.lr', type: { kind: 'number', min: 0 }, default: 0.05, doc: 'Peak learning rate.' },
  { key: 'optim.momentum', type: { kind: 'number', min: 0, max: 1 }, default: 0.9, doc: 'SGD momentum (PyTorch semantics, dampening 0).' },
  { key: 'optim.weight_decay', type: { kind: 'number', min: 0 }, default: 5e-4, doc: 'Coupled weight decay (added to the gradient before momentum, as PyTorch SGD).' },
  { key: 'optim.schedule', type: { kind: 'enum', values: SCHEDULES }, default: 'cosine', doc: '`cosine` (stepped per epoch, as the original), `step` (x0.1 at 50% and 75% of the epochs) or `constant`.' },
  { key: 'optim.warmup_epochs', type: { kind: 'int', min: 0 }, default: 0, doc: 'Linear warm-up over this many epochs before the schedule.' },
  { key: 'train.epochs', type: { kind: 'int', min: 1 }, default: 10, doc: 'Epochs, counted as single-device SGD counts them: parallel RWP runs as many optimizer steps as SGD would (the original doubles its epochs for that).' },
  { key: 'train.max_steps', type: { kind: 'int', min: 1, nullable: true }, default: null, doc: 'Stop after this many optimizer steps (smoke runs and benchmarks).' },
  { key: 'train.checkpoint_every', type: { kind: 'int', min: 1 }, default: 1, doc: 'Write a checkpoint every K epochs (and always at the end).' },
  { key: 'train.log_every', type: { kind: 'int', min: 1 }, default: 50, doc: 'Log a training line every N steps.' },
  { key: 'train.step_times', type: { kind: 'bool' }, default: false, doc: 'Every rank writes each step\'s times (step, compute, communication, data, in ms) to RUN_DIR/steps/rank-<R>.jsonl, for benchmarks.' },
  { key: 'train.eval', type: { kind: 'bool' }, default: true, doc: 'Evaluate on the test split after every epoch.' },
  { key: 'dist.timeout_s', type: { kind: 'number', min: 1 }, default: 300, doc: 'Deadline of every collective operation; a dead or stalled peer is an error naming it within this time.' },
];

export const FIELD_BY_KEY: ReadonlyMap<string, Field> = new Map(FIELDS.map((f) => [f.key, f]));
