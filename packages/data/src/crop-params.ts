// Where to crop an image and what size to resize it to, with torchvision's arithmetic (its
// RandomResizedCrop.get_params, Resize with one int and CenterCrop), so a recipe written for
// torchvision means the same crops here. Pure functions of the image size and the random stream.
import type { RandomStream } from '@rwp/random';

/** A crop box in source pixels. */
export interface CropBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** RandomResizedCrop's ranges: the crop's area as a fraction of the image, and its width/height. */
export interface ResizedCropRange {
  scale: [number, number];
  ratio: [number, number];
}

/** The defaults of torchvision and of every ImageNet ResNet recipe. */
export const IMAGENET_CROP: ResizedCropRange = Object.freeze({ scale: [0.08, 1], ratio: [3 / 4, 4 / 3] }) as ResizedCropRange;

/** Python's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function checkCropRange(range: ResizedCropRange): void {
  const [s0, s1] = range.scale;
  const [r0, r1] = range.ratio;
  if (!(s0 > 0 && s0 <= s1 && s1 <= 1)) throw new RangeError(`random-resized crop: scale must satisfy 0 < min <= max <= 1, got [${s0}, ${s1}]`);
  if (!(r0 > 0 && r0 <= r1 && Number.isFinite(r1))) throw new RangeError(`random-resized crop: ratio must satisfy 0 < min <= max, got [${r0}, ${r1}]`);
}

/**
 * torchvision's RandomResizedCrop.get_params: up to ten draws of an area fraction (uniform in
 * scale) and a log-uniform aspect ratio, kept when the box fits; then a uniform position. After
 * ten misses, the largest centred box whose aspect ratio is clamped into the range.
 */
export function randomResizedCrop(width: number, height: number, range: ResizedCropRange, rng: RandomStream): CropBox {
  const area = width * height;
  const [s0, s1] = range.scale;
  const logR0 = Math.log(range.ratio[0]);
  const logR1 = Math.log(range.ratio[1]);
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * (s0 + (s1 - s0) * rng.uniform());
    const aspect = Math.exp(logR0 + (logR1 - logR0) * rng.uniform());
    const w = roundHalfEven(Math.sqrt(targetArea * aspect));
    const h = roundHalfEven(Math.sqrt(targetArea / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      const top = rng.int(height - h + 1);
      const left = rng.int(width - w + 1);
      return { top, left, height: h, width: w };
    }
  }
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < range.ratio[0]) h = roundHalfEven(w / range.ratio[0]);
  else if (inRatio > range.ratio[1]) w = roundHalfEven(h * range.ratio[1]);
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}

/** torchvision's Resize(shorter): the shorter side becomes `shorter`, the longer is scaled and truncated. */
export function resizeShorter(width: number, height: number, shorter: number): { width: number; height: number } {
  const long = Math.trunc((shorter * Math.max(width, height)) / Math.min(width, height));
  return width <= height ? { width: shorter, height: long } : { width: long, height: shorter };
}

/** torchvision's CenterCrop(size) of a width x height image (offsets rounded as Python rounds). */
export function centerCrop(width: number, height: number, size: number): CropBox {
  return { top: roundHalfEven((height - size) / 2), left: roundHalfEven((width - size) / 2), height: size, width: size };
}

/** The evaluation resize of the ImageNet recipes: 256 for a 224 crop. */
export function defaultEvalResize(size: number): number {
  return Math.round((size * 256) / 224);
}
