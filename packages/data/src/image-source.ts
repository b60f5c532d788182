// The set of images a batch is drawn from, and how to rebuild it in a worker thread.

/** A structured-clonable description of an ImageSource, rebuilt by `sourceFromSpec`. */
export type SourceSpec =
  | {
      kind: 'array';
      height: number;
      width: number;
      channels: number;
      pixels: Uint8Array;
      labels: Int32Array;
    }
  | {
      kind: 'folder';
      size: number;
      evalResize: number;
      files: string[];
      labels: Int32Array;
    };

/** A set of HWC uint8 images with integer labels. */
export interface SourceShape {
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly labels: Int32Array;
  /** A description another thread can rebuild this source from (pixels in a SharedArrayBuffer are not copied). */
  share(): SourceSpec;
}

/** Images held in memory, read synchronously. */
export interface ImageSource extends SourceShape {
  /** Writes image `index` as height*width*channels HWC bytes into `out` at `offset`. */
  readInto(index: number, out: Uint8Array, offset: number): void;
}

export function checkIndex(src: SourceShape, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= src.count) {
    throw new RangeError(`image index ${index} out of range [0, ${src.count})`);
  }
}

/** Allocates pixel memory that worker threads can read without a copy. */
export function sharedBytes(length: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(length));
}

/** Images held in memory, contiguous HWC (IDX, CIFAR, synthetic). */
export class ArraySource implements ImageSource {
  readonly count: number;
  private readonly imageBytes: number;

  constructor(
    readonly height: number,
    readonly width: number,
    readonly channels: number,
    readonly pixels: Uint8Array,
    readonly labels: Int32Array,
  ) {
    this.imageBytes = height * width * channels;
    this.count = labels.length;
    if (pixels.length !== this.count * this.imageBytes) {
      throw new RangeError(
        `ArraySource: ${pixels.length} pixel bytes for ${this.count} images of ${height}x${width}x${channels}`,
      );
    }
  }

  readInto(index: number, out: Uint8Array, offset: number): void {
    checkIndex(this, index);
    const start = index * this.imageBytes;
    out.set(this.pixels.subarray(start, start + this.imageBytes), offset);
  }

  share(): SourceSpec {
    const { height, width, channels, pixels, labels } = this;
    return { kind: 'array', height, width, channels, pixels, labels };
  }
}
