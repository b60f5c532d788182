// Command line of the input-pipeline benchmark (bench:data).
import { wholeNumber } from '@rwp/cli-args';
import { Command } from 'commander';

export interface DataOptions {
  dir?: string;
  workers: number[];
  images: number;
  batch: number;
  size: number;
  rounds: number;
  pytorch: boolean;
  python: string;
  json: boolean;
}

function workerList(text: string): number[] {
  const list = text.split(',').map((w) => Number(w.trim()));
  if (list.length === 0 || list.some((w) => !Number.isInteger(w) || w < 1)) throw new Error(`--workers: a comma-separated list of integers >= 1, got '${text}'`);
  return list;
}

export function parseDataOptions(argv: string[]): DataOptions {
  const program = new Command('bench:data')
    .description(
      "Images per second of the training input pipeline on an image folder: decode, RandomResizedCrop, flip and normalise " +
        "through @rwp/data's Prefetcher, one epoch of the folder's train/ per worker count, and with --pytorch torchvision's " +
        'DataLoader with the same transforms on the same folder, interleaved with it.',
    )
    .option('--dir <dir>', 'an image folder with train/<class>/*.jpg (and val/ or test/); default: one written in a temporary folder, of ImageNet-sized JPEGs')
    .option('--workers <list>', 'worker counts to measure, e.g. 1,2,4', workerList, [1, 2])
    .option('--images <n>', 'images in the folder written when --dir is not given', wholeNumber(8), 1280)
    .option('--batch <n>', 'batch size', wholeNumber(1), 64)
    .option('--size <n>', 'crop side (RandomResizedCrop size)', wholeNumber(8), 224)
    .option('--rounds <k>', 'measure every worker count K times, alternating the order of rwp and torchvision', wholeNumber(1), 2)
    .option('--pytorch', "also time torchvision's DataLoader (needs Debian's python3-torchvision for --python)", false)
    .option('--python <path>', 'python with torchvision for --pytorch', '/usr/bin/python3')
    .option('--json', 'print one JSON object per measurement instead of the table', false)
    .showHelpAfterError()
    .parse(argv);
  return program.opts<DataOptions>();
}
