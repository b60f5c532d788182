// Command line of the optimizer step-time benchmark (bench:optimizers).
import { BACKEND_NAMES } from '@rwp/backend';
import { keyValue, wholeNumber } from '@rwp/cli-args';
import { Command, Option } from 'commander';

export interface OptimizersOptions {
  model: string;
  dataset: string;
  batch: number;
  steps: number;
  warmup: number;
  repeats: number;
  nprocRwp: number;
  backend: string;
  seed: number;
  limitTrain?: number;
  set: string[];
  json: boolean;
  /** Run the PyTorch reference beside rwp's runs, with this python. */
  pytorch: boolean;
  python: string;
  out?: string;
  runsDir?: string;
}

export function parseOptimizersOptions(argv: string[]): OptimizersOptions {
  const program = new Command('bench:optimizers')
    .description(
      'Time per optimizer step of SGD (1 rank), SAM (1 rank), RWP in sequence (1 rank) and RWP in parallel ' +
        '(--nproc-rwp ranks through rwp-launch), one after another on the same model, data and per-rank batch, ' +
        'through the real rwp-train and rwp-launch with train.step_times=true, train.eval=false, threads=1.',
    )
    .option('--model <arch>', 'model.arch', 'cnn')
    .option('--dataset <name>', 'data.dataset', 'fashion-mnist')
    .option('--batch <n>', 'data.batch_size: mini-batch per rank', wholeNumber(1), 128)
    .option('--steps <n>', 'timed optimizer steps per run (after the warm-up)', wholeNumber(1), 200)
    .option('--warmup <n>', 'optimizer steps run first and left out of the timings', wholeNumber(0), 10)
    .option('--repeats <k>', 'run the four methods K times, alternating their order (ABCD DCBA ...); ratios to SGD are the medians of the pair-by-pair ratios', wholeNumber(1), 1)
    .option('--nproc-rwp <n>', 'ranks of parallel RWP (4 where the host has the cores)', wholeNumber(2), 2)
    .addOption(new Option('--backend <name>', 'backend of every run').choices(BACKEND_NAMES).default('auto'))
    .option('--seed <n>', 'seed of every run', wholeNumber(0), 0)
    .option('--limit-train <n>', 'data.limit_train: use only the first N training images (smoke runs)', wholeNumber(1))
    .option('--set <key=value>', 'extra config override for every run; repeat for several', keyValue, [])
    .option('--pytorch', "also run PyTorch's SGD, SAM and parallel RWP (gloo) on the same model, data, batch and steps, interleaved with rwp's runs (benchmarks/optimizers_pytorch.py; fashion-mnist, mlp or cnn)", false)
    .option('--python <path>', 'python with torch for --pytorch', '/usr/bin/python3')
    .option('--json', 'print one JSON object per method instead of the table', false)
    .option('--out <dir>', 'where results.json, the charts and report.md go (default benchmarks/results/optimizers-<time>)')
    .option('--runs-dir <dir>', 'where the training runs go (default runs/bench-optimizers-<time>)')
    .showHelpAfterError()
    .parse(argv);
  return program.opts<OptimizersOptions>();
}
