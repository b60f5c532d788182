// The native JPEG decode (csrc/jpeg-decode.c) against PIL's, on files PIL writes in every layout
// a photo collection holds: a crop is exactly those rows and columns of PIL's whole decode.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { streamFor } from '@rwp/random';
import { decodeJpeg } from './image-addon.js';

const PYTHON = '/usr/bin/python3';
const hasPil = spawnSync(PYTHON, ['-c', 'import PIL'], { encoding: 'utf8' }).status === 0;
const root = mkdtempSync(join(tmpdir(), 'rwp-jpeg-'));
after(() => rmSync(root, { recursive: true, force: true }));

// PIL writes each kind of file from one gradient-plus-noise picture, and its own decode as raw RGB.
const KINDS: Record<string, string> = {
  '4:2:0': 'subsampling=2',
  '4:2:2': 'subsampling=1',
  '4:4:4': 'subsampling=0',
  progressive: 'progressive=True',
  greyscale: '',
  cmyk: '',
};
const SIZES = [[333, 500], [97, 61], [17, 9]] as const;

// Written once for both tests (where PIL is there; the tests skip otherwise).
before(() => {
  if (hasPil) writeWithPil();
});

function writeWithPil(): void {
  const r = spawnSync(PYTHON, ['-c', `
import random, sys
from PIL import Image
root = sys.argv[1]
kinds = {${Object.entries(KINDS).map(([k, v]) => `${JSON.stringify(k)}: dict(${v})`).join(', ')}}
random.seed(0)
for w, h in [${SIZES.map(([w, h]) => `(${w}, ${h})`).join(', ')}]:
    im = Image.new('RGB', (w, h))
    im.putdata([(x * 255 // w, y * 255 // h, random.randrange(256)) for y in range(h) for x in range(w)])
    for kind, options in kinds.items():
        out = im.convert('L') if kind == 'greyscale' else im.convert('CMYK') if kind == 'cmyk' else im
        path = f'{root}/{w}x{h}-{kind}.jpg'
        out.save(path, quality=85, **options)
        open(path + '.rgb', 'wb').write(Image.open(path).convert('RGB').tobytes())
`, root], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

test("crops of baseline (4:2:0, 4:2:2, 4:4:4), progressive and greyscale JPEGs are PIL's decode, byte for byte; CMYK is left to libvips", { skip: !hasPil && `PIL is not importable by ${PYTHON} (apt-get install python3-pil)` }, () => {
  const rng = streamFor(0, 'jpeg-crops');
  for (const [width, height] of SIZES) {
    for (const kind of Object.keys(KINDS)) {
      const path = join(root, `${width}x${height}-${kind}.jpg`);
      const bytes = readFileSync(path);
      const pil = readFileSync(`${path}.rgb`);
      const whole = new Uint8Array(width * height * 3);
      if (kind === 'cmyk') {
        assert.equal(decodeJpeg(bytes, { left: 0, top: 0, width, height }, whole), false, path);
        continue;
      }
      assert.equal(decodeJpeg(bytes, { left: 0, top: 0, width, height }, whole), true, path);
      assert.ok(Buffer.from(whole).equals(pil), `${path}: the whole decode differs from PIL's`);
      for (let i = 0; i < 40; i++) {
        const left = rng.int(width), top = rng.int(height);
        const box = { left, top, width: 1 + rng.int(width - left), height: 1 + rng.int(height - top) };
        const crop = new Uint8Array(box.width * box.height * 3);
        decodeJpeg(bytes, box, crop);
        for (let r = 0; r < box.height; r++) {
          const start = ((box.top + r) * width + box.left) * 3;
          assert.ok(Buffer.from(crop.subarray(r * box.width * 3, (r + 1) * box.width * 3)).equals(pil.subarray(start, start + box.width * 3)), `${path}: crop ${JSON.stringify(box)}, row ${r}`);
        }
      }
    }
  }
});

test('a crop outside the image and a file cut short below the crop are refused with libjpeg-turbo\'s reason', { skip: !hasPil && `PIL is not importable by ${PYTHON}` }, () => {
  const bytes = readFileSync(join(root, '333x500-4:2:0.jpg'));
  const out = new Uint8Array(10 * 10 * 3);
  assert.throws(() => decodeJpeg(bytes, { left: 330, top: 0, width: 10, height: 10 }, out), { code: 'EJPEG', message: 'crop 10x10 at (330, 0) outside the 333x500 image' });
  // The top rows' data is all there; the rest of the file is not.
  const cut = bytes.subarray(0, Math.floor(bytes.length * 0.7));
  assert.throws(() => decodeJpeg(cut, { left: 0, top: 0, width: 10, height: 10 }, out), { code: 'EJPEG', message: 'Premature end of JPEG file' });
});
