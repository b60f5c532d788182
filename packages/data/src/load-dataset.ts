import { loadCifar } from './cifar.js';
import { DATASET_NAMES, type Dataset, type DatasetName } from './dataset.js';
import { DataError } from './errors.js';
import { loadIdxDataset } from './idx-dataset.js';
import type { FolderSource } from './folder-source.js';
import { loadImageFolder } from './image-folder.js';
import type { ImageSource } from './image-source.js';
import { makeSynthetic, type SyntheticOptions } from './synthetic.js';

export interface LoadOptions {
  dataset: DatasetName;
  /** Data directory; optional for fashion-mnist (Debian's location) and synthetic. */
  dir?: string;
  /** Side of the square images: imagefolder crops and resizes to it (default 224); synthetic makes them at it (default 32). */
  imageSize?: number;
  /** imagefolder: the shorter side the evaluation resize gives before its centre crop (default imageSize * 256/224). */
  evalResize?: number;
  synthetic?: SyntheticOptions;
}

/** Image folders are decoded on read (asynchronously); every other dataset is held in memory. */
export async function loadDataset(opts: LoadOptions & { dataset: 'imagefolder' }): Promise<Dataset<FolderSource>>;
export async function loadDataset(opts: LoadOptions & { dataset: Exclude<DatasetName, 'imagefolder'> }): Promise<Dataset<ImageSource>>;
export async function loadDataset(opts: LoadOptions): Promise<Dataset>;
export async function loadDataset(opts: LoadOptions): Promise<Dataset> {
  switch (opts.dataset) {
    case 'fashion-mnist':
    case 'mnist':
      return loadIdxDataset(opts.dataset, opts.dir);
    case 'cifar10':
    case 'cifar100':
      return loadCifar(opts.dataset, opts.dir);
    case 'imagefolder':
      return loadImageFolder(opts.dir, opts.imageSize ?? 224, opts.evalResize);
    case 'synthetic':
      return makeSynthetic(opts.imageSize === undefined ? opts.synthetic : { height: opts.imageSize, width: opts.imageSize, ...opts.synthetic });
    default:
      throw new DataError(`unknown dataset '${String(opts.dataset)}' (${DATASET_NAMES.join(', ')})`);
  }
}
