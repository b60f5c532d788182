// Checks for tests: a chart file is what it claims to be. The SVG is parsed as XML and its text
// and marks collected; the PNG is decoded and its non-white pixels counted.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import pngjs from 'pngjs';

export interface SvgChart {
  width: number;
  height: number;
  /** Every text element's content, in document order. */
  texts: string[];
  /** path, rect, line and circle elements: the drawn marks, axes and grid. */
  shapes: number;
}

type Node = Record<string, unknown>;

function walk(node: unknown, visit: (name: string, value: unknown) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [name, value] of Object.entries(node as Node)) {
    if (name.startsWith('@_')) continue;
    visit(name, value);
    walk(value, visit);
  }
}

export function readSvgChart(path: string): SvgChart {
  const text = readFileSync(path, 'utf8');
  const valid = XMLValidator.validate(text);
  assert.equal(valid, true, `${path} is not well-formed XML: ${JSON.stringify(valid)}`);
  const doc = new XMLParser({ ignoreAttributes: false, isArray: () => true }).parse(text) as Node;
  const roots = Object.keys(doc).filter((k) => !k.startsWith('?'));
  assert.deepEqual(roots, ['svg'], `${path}: the root element is not <svg>`);
  const svg = (doc.svg as Node[])[0];
  const texts: string[] = [];
  let shapes = 0;
  walk(svg, (name, value) => {
    if (name === 'text') {
      for (const t of value as unknown[]) texts.push(typeof t === 'object' && t !== null ? String((t as Node)['#text'] ?? '') : String(t));
    }
    if (['path', 'rect', 'line', 'circle'].includes(name)) shapes += (value as unknown[]).length;
  });
  return { width: Number(svg['@_width']), height: Number(svg['@_height']), texts, shapes };
}

export interface PngChart {
  width: number;
  height: number;
  /** Pixels that are not (nearly) white: bars, lines and text. */
  inked: number;
}

export function readPngChart(path: string): PngChart {
  const bytes = readFileSync(path);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${path}: no PNG signature`);
  const png = pngjs.PNG.sync.read(bytes);
  let inked = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    if (png.data[i] < 200 || png.data[i + 1] < 200 || png.data[i + 2] < 200) inked++;
  }
  return { width: png.width, height: png.height, inked };
}
