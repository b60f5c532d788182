// Command line of the accuracy benchmark (bench:accuracy).
import { BACKEND_NAMES } from '@rwp/backend';
import { keyValue, positiveNumber, wholeNumber } from '@rwp/cli-args';
import { Command, Option } from 'commander';

export interface AccuracyOptions {
  dataset: string;
  model: string;
  epochs: number;
  seeds: number;
  firstSeed: number;
  batch: number;
  lr: number;
  nprocRwp: number;
  backend: string;
  limitTrain?: number;
  limitTest?: number;
  set: string[];
  /** Keys of the methods to run (default all). */
  methods?: string[];
  json: boolean;
  out?: string;
  runsDir?: string;
}

export function parseAccuracyOptions(argv: string[]): AccuracyOptions {
  const program = new Command('bench:accuracy')
    .description(
      'Final test accuracy and wall time of SGD (1 rank), SAM (1 rank), parallel RWP and ARWP (--nproc-rwp ranks) ' +
        "and RWP's two controls, SGD at batch nproc-rwp x B (what one RWP step sees) and RWP with gamma 0, " +
        'with the same budget of optimizer steps (train.epochs E: the trainer gives RWP as many steps as SGD; ' +
        'the wide SGD runs E x passes per epoch), over several seeds, through the real rwp-train and rwp-launch, ' +
        'one thread per rank; and the gains of RWP and ARWP over SGD and each control, seed by seed.',
    )
    .option('--dataset <name>', 'data.dataset', 'fashion-mnist')
    .option('--model <arch>', 'model.arch', 'cnn')
    .requiredOption('--epochs <e>', 'train.epochs of every run (SGD-equivalent epochs)', wholeNumber(1))
    .requiredOption('--seeds <s>', 'how many seeds per method', wholeNumber(1))
    .option('--first-seed <n>', 'seeds are first-seed, first-seed+1, ...', wholeNumber(0), 0)
    .option('--batch <n>', 'data.batch_size: mini-batch per rank', wholeNumber(1), 128)
    .option('--lr <x>', 'optim.lr (cosine schedule, momentum 0.9, weight decay 5e-4)', positiveNumber, 0.05)
    .option('--nproc-rwp <n>', 'ranks of parallel RWP and ARWP; even, so that the wide SGD control takes their steps in whole epochs', wholeNumber(2), 2)
    .addOption(new Option('--backend <name>', 'backend of every run').choices(BACKEND_NAMES).default('auto'))
    .option('--limit-train <n>', 'data.limit_train (smoke runs)', wholeNumber(1))
    .option('--limit-test <n>', 'data.limit_test (smoke runs)', wholeNumber(1))
    .option('--set <key=value>', 'extra config override for every run; repeat for several', keyValue, [])
    .option('--methods <keys>', 'only these methods, by key: sgd, sgd-<N>b, sam, rwp-par, rwp-g0, arwp-par (comma-separated)', (v: string) => v.split(',').map((k) => k.trim()).filter(Boolean))
    .option('--json', 'print one JSON object per method instead of the table', false)
    .option('--out <dir>', 'where results.json, the curves, the charts and report.md go (default benchmarks/results/accuracy-<time>)')
    .option('--runs-dir <dir>', 'where the training runs go (default runs/bench-accuracy-<time>)')
    .showHelpAfterError()
    .parse(argv);
  return program.opts<AccuracyOptions>();
}
