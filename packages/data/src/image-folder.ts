// ImageNet-style folders: <dir>/train/<class>/<image> and <dir>/val/<class>/<image> (or test/).
// Images are decoded on read, since a set like ImageNet does not fit in memory.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from './dataset.js';
import { defaultEvalResize } from './crop-params.js';
import { DataError } from './errors.js';
import { FolderSource } from './folder-source.js';
import { requireImageAddon } from './image-addon.js';

const IMAGE_EXTENSIONS = /\.(jpe?g|png)$/i;

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Sorted names of the sub-folders of `dir` (code-point order, as Python's sorted()). */
function subfolders(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => isDirectory(join(dir, name)))
    .sort();
}

function listSplit(splitDir: string, classIndex: Map<string, number>, size: number, evalResize: number): FolderSource {
  const files: string[] = [];
  const labels: number[] = [];
  for (const name of subfolders(splitDir)) {
    const label = classIndex.get(name);
    const classDir = join(splitDir, name);
    if (label === undefined) throw new DataError(`${classDir}: class folder not present in the train split`);
    const images = readdirSync(classDir).filter((f) => IMAGE_EXTENSIONS.test(f)).sort();
    for (const f of images) {
      files.push(join(classDir, f));
      labels.push(label);
    }
  }
  if (files.length === 0) throw new DataError(`${splitDir}: no .jpg/.jpeg/.png images in its class folders`);
  return new FolderSource(files, Int32Array.from(labels), size, evalResize);
}

export function loadImageFolder(dir: string | undefined, imageSize: number, evalResize = defaultEvalResize(imageSize)): Dataset<FolderSource> {
  if (dir === undefined) throw new DataError('imagefolder: no data directory given');
  // Before any listing or worker: without its decoder a folder could not give one batch.
  requireImageAddon();
  if (!Number.isInteger(imageSize) || imageSize < 1) throw new RangeError(`imagefolder: imageSize must be a positive integer, got ${imageSize}`);
  if (!Number.isInteger(evalResize) || evalResize < imageSize) throw new RangeError(`imagefolder: evalResize must be an integer >= imageSize (${imageSize}), got ${evalResize}`);
  const trainDir = join(dir, 'train');
  if (!isDirectory(trainDir)) throw new DataError(`${dir}: no train/ folder`);
  const testDir = ['val', 'test'].map((s) => join(dir, s)).find(isDirectory);
  if (testDir === undefined) throw new DataError(`${dir}: no val/ or test/ folder`);
  const classNames = subfolders(trainDir);
  if (classNames.length === 0) throw new DataError(`${trainDir}: no class folders`);
  const classIndex = new Map(classNames.map((name, i) => [name, i]));
  const train = listSplit(trainDir, classIndex, imageSize, evalResize);
  // An empty class folder is almost always an incomplete copy; it could never be learnt.
  const seen = new Set(train.labels);
  const empty = classNames.findIndex((_, i) => !seen.has(i));
  if (empty >= 0) throw new DataError(`${join(trainDir, classNames[empty])}: class folder has no .jpg/.jpeg/.png images`);
  return {
    name: 'imagefolder',
    numClasses: classNames.length,
    train,
    test: listSplit(testDir, classIndex, imageSize, evalResize),
    // ImageNet statistics, the usual choice for natural photographs.
    mean: [0.485, 0.456, 0.406],
    std: [0.229, 0.224, 0.225],
    classNames,
  };
}
