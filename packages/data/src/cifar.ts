// CIFAR-10 and CIFAR-100 binary versions: fixed-size records of label byte(s) then a 32x32x3
// image stored channel-major (CHW), converted here to HWC.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from './dataset.js';
import { DataError } from './errors.js';
import { ArraySource, sharedBytes, type ImageSource } from './image-source.js';

const SIDE = 32;
const PLANE = SIDE * SIDE;
const IMAGE_BYTES = 3 * PLANE;

interface Layout {
  sub: string;
  train: string[];
  test: string[];
  /** Label bytes per record; the last one is the label used (CIFAR-100: coarse then fine). */
  labelBytes: number;
  numClasses: number;
  namesFile: string;
  mean: number[];
  std: number[];
}

const LAYOUTS: Record<'cifar10' | 'cifar100', Layout> = {
  cifar10: {
    sub: 'cifar-10-batches-bin',
    train: [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`),
    test: ['test_batch.bin'],
    labelBytes: 1,
    numClasses: 10,
    namesFile: 'batches.meta.txt',
    mean: [0.4914, 0.4822, 0.4465],
    std: [0.2023, 0.1994, 0.201],
  },
  cifar100: {
    sub: 'cifar-100-binary',
    train: ['train.bin'],
    test: ['test.bin'],
    labelBytes: 2,
    numClasses: 100,
    namesFile: 'fine_label_names.txt',
    mean: [0.5071, 0.4865, 0.4409],
    std: [0.2673, 0.2564, 0.2762],
  },
};

function readRecords(path: string, layout: Layout): Buffer {
  if (!existsSync(path)) throw new DataError(`${path}: missing`);
  const buf = readFileSync(path);
  const recordBytes = layout.labelBytes + IMAGE_BYTES;
  if (buf.length === 0 || buf.length % recordBytes !== 0) {
    throw new DataError(`${path}: ${buf.length} bytes is not a whole number of ${recordBytes}-byte records`);
  }
  return buf;
}

function loadSplit(dir: string, files: string[], layout: Layout): ArraySource {
  const recordBytes = layout.labelBytes + IMAGE_BYTES;
  const buffers = files.map((f) => readRecords(join(dir, f), layout));
  const count = buffers.reduce((n, b) => n + b.length / recordBytes, 0);
  const pixels = sharedBytes(count * IMAGE_BYTES);
  const labels = new Int32Array(count);
  let n = 0;
  buffers.forEach((buf, fileIndex) => {
    for (let rec = 0; rec < buf.length; rec += recordBytes, n++) {
      const label = buf[rec + layout.labelBytes - 1];
      if (label >= layout.numClasses) {
        const path = join(dir, files[fileIndex]);
        throw new DataError(`${path}: record ${rec / recordBytes} has label ${label}, not below ${layout.numClasses}`);
      }
      labels[n] = label;
      const src = rec + layout.labelBytes;
      const dst = n * IMAGE_BYTES;
      for (let p = 0; p < PLANE; p++) {
        pixels[dst + 3 * p] = buf[src + p];
        pixels[dst + 3 * p + 1] = buf[src + PLANE + p];
        pixels[dst + 3 * p + 2] = buf[src + 2 * PLANE + p];
      }
    }
  });
  return new ArraySource(SIDE, SIDE, 3, pixels, labels);
}

function readClassNames(dir: string, layout: Layout): string[] | undefined {
  const path = join(dir, layout.namesFile);
  if (!existsSync(path)) return undefined;
  const names = readFileSync(path, 'utf8').split(/\r?\n/).map((s) => s.trim()).filter((s) => s !== '');
  if (names.length !== layout.numClasses) {
    throw new DataError(`${path}: ${names.length} class names, expected ${layout.numClasses}`);
  }
  return names;
}

/** Loads from `dir` or its cifar-10-batches-bin / cifar-100-binary subfolder. */
export function loadCifar(name: 'cifar10' | 'cifar100', dir: string | undefined): Dataset<ImageSource> {
  if (dir === undefined) throw new DataError(`${name}: no data directory given`);
  const layout = LAYOUTS[name];
  const root = [dir, join(dir, layout.sub)].find((d) => existsSync(join(d, layout.train[0])));
  if (root === undefined) {
    throw new DataError(`${dir}: no ${layout.train[0]} here or in ${layout.sub}/ (${name} binary version expected)`);
  }
  return {
    name,
    numClasses: layout.numClasses,
    train: loadSplit(root, layout.train, layout),
    test: loadSplit(root, layout.test, layout),
    mean: layout.mean,
    std: layout.std,
    classNames: readClassNames(root, layout),
  };
}
