import { loadCifar } from './cifar.js';
import { DATASET_NAMES, type Dataset, type DatasetName } from './dataset.js';
import { DataError } from './errors.js';
import { loadIdxDataset } from './idx-dataset.js';
import { loadImageFolder } from './image-folder.js';
import { makeSynthetic, type SyntheticOptions } from './synthetic.js';

export interface LoadOptions {
  dataset: DatasetName;
  /** Data directory; optional for fashion-mnist (Debian's location) and synthetic. */
  dir?: string;
  /** Side of the square images: imagefolder resizes the shorter side to it and crops the centre (default 224); synthetic makes them at it (default 32). */
  imageSize?: number;
  synthetic?: SyntheticOptions;
}

export async function loadDataset(opts: LoadOptions): Promise<Dataset> {
  switch (opts.dataset) {
    case 'fashion-mnist':
    case 'mnist':
      return loadIdxDataset(opts.dataset, opts.dir);
    case 'cifar10':
    case 'cifar100':
      return loadCifar(opts.dataset, opts.dir);
    case 'imagefolder':
      return loadImageFolder(opts.dir, opts.imageSize ?? 224);
    case 'synthetic':
      return makeSynthetic(opts.imageSize === undefined ? opts.synthetic : { height: opts.imageSize, width: opts.imageSize, ...opts.synthetic });
    default:
      throw new DataError(`unknown dataset '${String(opts.dataset)}' (${DATASET_NAMES.join(', ')})`);
  }
}
