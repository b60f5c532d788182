// MNIST and Fashion-MNIST from IDX files (raw or gzipped).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from './dataset.js';
import { DataError } from './errors.js';
import { readIdx } from './idx.js';
import { ArraySource, sharedBytes, type ImageSource } from './image-source.js';

/** Where Debian's dataset-fashion-mnist package installs the files. */
export const FASHION_MNIST_DIRS = ['/usr/share/datasets/fashion-mnist'];

const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** The file for `base` in `dir`: the IDX name, gzipped or not, or the dotted variant some mirrors use. */
function findFile(dir: string, base: string): string | undefined {
  const dotted = base.replace('-idx', '.idx');
  for (const name of [base, `${base}.gz`, dotted, `${dotted}.gz`]) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

function loadSplit(dir: string, prefix: 'train' | 't10k'): ArraySource {
  const imagesBase = `${prefix}-images-idx3-ubyte`;
  const labelsBase = `${prefix}-labels-idx1-ubyte`;
  const imagesPath = findFile(dir, imagesBase);
  const labelsPath = findFile(dir, labelsBase);
  if (!imagesPath) throw new DataError(`${dir}: no ${imagesBase} (or .gz)`);
  if (!labelsPath) throw new DataError(`${dir}: no ${labelsBase} (or .gz)`);
  const images = readIdx(imagesPath, 3);
  const labels = readIdx(labelsPath, 1);
  const [count, height, width] = images.dims;
  if (labels.dims[0] !== count) {
    throw new DataError(`${labelsPath}: ${labels.dims[0]} labels but ${imagesPath} has ${count} images`);
  }
  const labelArray = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = labels.data[i];
    if (label > 9) throw new DataError(`${labelsPath}: label ${label} at index ${i} is not a class 0-9`);
    labelArray[i] = label;
  }
  const pixels = sharedBytes(images.data.length);
  pixels.set(images.data);
  return new ArraySource(height, width, 1, pixels, labelArray);
}

export function loadIdxDataset(name: 'fashion-mnist' | 'mnist', dir?: string): Dataset<ImageSource> {
  const searched = dir !== undefined ? [dir] : name === 'fashion-mnist' ? FASHION_MNIST_DIRS : [];
  const found = searched.find((d) => findFile(d, 'train-images-idx3-ubyte'));
  if (found === undefined) {
    const hint = name === 'fashion-mnist' && dir === undefined ? ' (apt-get install dataset-fashion-mnist, or pass dir)' : '';
    if (searched.length === 0) throw new DataError(`${name}: no data directory given`);
    throw new DataError(`${name}: no train-images-idx3-ubyte(.gz) in ${searched.join(', ')}${hint}`);
  }
  const train = loadSplit(found, 'train');
  const test = loadSplit(found, 't10k');
  if (test.height !== train.height || test.width !== train.width) {
    throw new DataError(`${found}: test images are ${test.height}x${test.width}, train images ${train.height}x${train.width}`);
  }
  return name === 'fashion-mnist'
    ? { name, numClasses: 10, train, test, mean: [0.286], std: [0.353], classNames: FASHION_CLASSES }
    : { name, numClasses: 10, train, test, mean: [0.1307], std: [0.3081], classNames: [...'0123456789'] };
}
