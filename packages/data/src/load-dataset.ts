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
  /** imagefolder: side of the square images (shorter side resized to it, centre crop). Default 224. */
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
      return makeSynthetic(opts.synthetic);
    default:
      throw new DataError(`unknown dataset '${String(opts.dataset)}' (${DATASET_NAMES.join(', ')})`);
  }
}
