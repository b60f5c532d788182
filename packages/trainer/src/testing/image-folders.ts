// Test helper: a small image folder of real JPEGs with texture, so that where a random-resized
// crop lands and whether it is flipped change the pixels a model sees.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { streamFor } from '@rwp/random';
import sharp from 'sharp';

/** `perSplit` JPEGs of 24-64 pixels a side in train/ and in val/, 3 classes, each a gradient with noise. */
export async function writeTexturedFolder(dir: string, perSplit: number): Promise<void> {
  for (const split of ['train', 'val']) {
    for (let i = 0; i < perSplit; i++) {
      const [width, height] = [24 + ((i * 7) % 41), 24 + ((i * 11) % 41)];
      const rng = streamFor(i, split, 'textured-jpeg');
      const pixels = Buffer.alloc(width * height * 3);
      for (let p = 0; p < pixels.length; p++) {
        const x = (p / 3) % width;
        pixels[p] = Math.min(255, Math.floor((x * 255) / width / 2) + (p % 3 === i % 3 ? 64 : 0) + rng.int(64));
      }
      const cls = join(dir, split, `c${i % 3}`);
      mkdirSync(cls, { recursive: true });
      writeFileSync(join(cls, `${String(i).padStart(3, '0')}.jpg`), await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer());
    }
  }
}
