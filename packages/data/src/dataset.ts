import type { FolderSource } from './folder-source.js';
import type { ImageSource } from './image-source.js';

/** Every dataset loadDataset knows; configs and command lines are checked against it. */
export const DATASET_NAMES = Object.freeze(['fashion-mnist', 'mnist', 'cifar10', 'cifar100', 'imagefolder', 'synthetic'] as const);

export type DatasetName = (typeof DATASET_NAMES)[number];

/** Images in memory, or an image folder decoded on read. */
export type Source = ImageSource | FolderSource;

/** Train and test splits plus the per-channel normalisation the dataset is trained with. */
export interface Dataset<S extends Source = Source> {
  name: DatasetName;
  numClasses: number;
  train: S;
  test: S;
  /** Per-channel mean and std of pixel/255, applied by makeBatch. */
  mean: number[];
  std: number[];
  classNames?: string[];
}
