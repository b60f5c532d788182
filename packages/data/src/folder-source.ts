// One image folder's files and labels, decoded and cropped on read (a set like ImageNet does
// not fit in memory). image-folder.ts lists the folders into one.
import type { RandomStream } from '@rwp/random';
import { centerCrop, randomResizedCrop, resizeShorter, type ResizedCropRange } from './crop-params.js';
import { decodeCrop, readEncoded, type CropPlan } from './decode-image.js';
import { checkIndex, type SourceShape, type SourceSpec } from './image-source.js';

/** A random-resized crop: its range and the stream it draws from. */
export interface RandomCrop {
  range: ResizedCropRange;
  rng: RandomStream;
}

export class FolderSource implements SourceShape {
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels = 3;

  constructor(
    readonly files: string[],
    readonly labels: Int32Array,
    readonly size: number,
    /** Shorter side of the evaluation resize, before the centre crop. */
    readonly evalResize: number,
  ) {
    this.count = files.length;
    this.height = size;
    this.width = size;
  }

  /**
   * Writes image `index` as size x size x 3 bytes into `out` at `offset`: with `crop`, a random
   * resized crop (training); without, Resize(evalResize) + CenterCrop(size) (evaluation).
   */
  async readCrop(index: number, out: Uint8Array, offset: number, crop?: RandomCrop): Promise<void> {
    checkIndex(this, index);
    const img = await readEncoded(this.files[index]);
    let plan: CropPlan;
    if (crop) {
      plan = { kind: 'crop-resize', box: randomResizedCrop(img.width, img.height, crop.range, crop.rng), size: this.size };
    } else {
      const resized = resizeShorter(img.width, img.height, this.evalResize);
      plan = { kind: 'resize-crop', ...resized, box: centerCrop(resized.width, resized.height, this.size) };
    }
    await decodeCrop(img, plan, out, offset);
  }

  share(): SourceSpec {
    return { kind: 'folder', size: this.size, evalResize: this.evalResize, files: this.files, labels: this.labels };
  }
}
