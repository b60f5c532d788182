// Vega-Lite spec -> Vega -> SVG (vega's headless view, no canvas needed) -> PNG (resvg).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Debian's fonts-dejavu-core (scripts/setup.sh installs it): resvg draws no text without a font. */
const FONT_FILES = ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'];

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** PNG at `scale` times the SVG's size, so that text stays sharp on high-density screens. */
export function svgToPng(svg: string, scale = 2): Buffer {
  const fontFiles = FONT_FILES.filter((f) => existsSync(f));
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { fontFiles, loadSystemFonts: fontFiles.length === 0, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

export interface ChartFiles {
  svg: string;
  png: string;
}

/** Writes DIR/NAME.svg and DIR/NAME.png. */
export async function writeChart(dir: string, name: string, spec: TopLevelSpec): Promise<ChartFiles> {
  mkdirSync(dir, { recursive: true });
  const svg = await renderSvg(spec);
  const files = { svg: join(dir, `${name}.svg`), png: join(dir, `${name}.png`) };
  writeFileSync(files.svg, svg);
  writeFileSync(files.png, svgToPng(svg));
  return files;
}
