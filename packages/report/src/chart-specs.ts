// Vega-Lite specifications of the benchmark charts. Data goes in as plain rows; the specs only
// say how to draw them, so the same rows also fill the tables of report.md.
import type { TopLevelSpec } from 'vega-lite';
import type { CurvePoint } from './curves.js';

/** The font the PNG renderer is given (see render.ts); SVG viewers fall back to sans-serif. */
const FONT = 'DejaVu Sans, sans-serif';

const CONFIG = { font: FONT, background: 'white', view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 12 } };

export interface StepTimeBar {
  label: string;
  median: number;
  p10: number;
  p90: number;
  /** Median step time over SGD's, shown beside the bar. */
  ratio: number;
}

/** Horizontal bars of the median time per optimizer step, whiskers from p10 to p90. */
export function stepTimeSpec(bars: StepTimeBar[], title: string): TopLevelSpec {
  const values = bars.map((b) => ({ ...b, text: `${b.median.toFixed(1)} ms (${b.ratio.toFixed(2)}x)` }));
  const order = bars.map((b) => b.label);
  const y = { field: 'label', type: 'nominal' as const, sort: order, title: null };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: 'median wall time per optimizer step; whiskers p10-p90; ratio to SGD' },
    width: 420,
    height: { step: 34 },
    data: { values },
    encoding: { y },
    layer: [
      {
        mark: { type: 'bar', color: '#4c78a8', height: { band: 0.7 } },
        encoding: { x: { field: 'median', type: 'quantitative', title: 'ms per step', scale: { zero: true } } },
      },
      {
        mark: { type: 'rule', color: 'black', strokeWidth: 1.5 },
        encoding: { x: { field: 'p10', type: 'quantitative' }, x2: { field: 'p90' } },
      },
      {
        mark: { type: 'text', align: 'left', dx: 5, fontSize: 11 },
        encoding: { x: { field: 'p90', type: 'quantitative' }, text: { field: 'text', type: 'nominal' } },
      },
    ],
    config: CONFIG,
  };
}

export interface BreakdownPart {
  label: string;
  /** data, compute, transfer, wait, other. */
  part: string;
  ms: number;
}

export const BREAKDOWN_PARTS = ['data', 'compute', 'transfer', 'wait', 'other'] as const;

/** Stacked bars: where the time of a median step goes. */
export function breakdownSpec(parts: BreakdownPart[], order: string[], title: string): TopLevelSpec {
  const values = parts.map((p) => ({ ...p, rank: BREAKDOWN_PARTS.indexOf(p.part as (typeof BREAKDOWN_PARTS)[number]) }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: 'mean over ranks of each part, medians over steps' },
    width: 420,
    height: { step: 34 },
    data: { values },
    mark: { type: 'bar', height: { band: 0.7 } },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: order, title: null },
      x: { field: 'ms', type: 'quantitative', stack: 'zero', title: 'ms per step' },
      color: { field: 'part', type: 'nominal', scale: { domain: [...BREAKDOWN_PARTS], scheme: 'tableau10' }, title: 'part' },
      order: { field: 'rank', type: 'quantitative' },
    },
    config: CONFIG,
  };
}

export type CurveX = 'epoch' | 'seconds';
export type CurveY = 'test_acc' | 'test_loss' | 'train_loss';

const X_TITLE: Record<CurveX, string> = {
  epoch: 'epoch (SGD-equivalent: optimizer steps / steps of one SGD epoch)',
  seconds: 'training time, s (evaluation and start-up excluded)',
};
const Y_TITLE: Record<CurveY, string> = { test_acc: 'test accuracy', test_loss: 'test loss', train_loss: 'train loss' };

/** One line per series; a min-max band where the points carry one (means over seeds). */
export function curveSpec(points: CurvePoint[], x: CurveX, y: CurveY, title: string, subtitle?: string): TopLevelSpec {
  const values = points.filter((p) => p[y] !== null);
  const banded = y === 'test_acc' && values.some((p) => p.test_acc_lo !== undefined && (p.runs ?? 1) > 1);
  const xEnc = { field: x, type: 'quantitative' as const, title: X_TITLE[x] };
  const color = { field: 'series', type: 'nominal' as const, title: null, sort: [...new Set(values.map((p) => p.series))] };
  const yEnc = { field: y, type: 'quantitative' as const, title: Y_TITLE[y], scale: { zero: false }, ...(y === 'test_acc' ? { axis: { format: '.1%' } } : {}) };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: subtitle ? { text: title, subtitle } : title,
    width: 460,
    height: 280,
    data: { values },
    layer: [
      ...(banded
        ? [
            {
              mark: { type: 'area' as const, opacity: 0.18 },
              encoding: { x: xEnc, y: { field: 'test_acc_lo', type: 'quantitative' as const }, y2: { field: 'test_acc_hi' }, color },
            },
          ]
        : []),
      { mark: { type: 'line', point: true }, encoding: { x: xEnc, y: yEnc, color } },
    ],
    // The band's opacity would otherwise fade the legend's symbols too.
    config: { ...CONFIG, legend: { orient: 'bottom', labelLimit: 400, symbolOpacity: 1 } },
  };
}

/** Train and test loss per epoch: colour is the series, dashes the split. */
export function lossSpec(points: CurvePoint[], title: string): TopLevelSpec {
  const values = points.flatMap((p) => [
    { series: p.series, epoch: p.epoch, split: 'train', loss: p.train_loss },
    ...(p.test_loss === null ? [] : [{ series: p.series, epoch: p.epoch, split: 'test', loss: p.test_loss }]),
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 460,
    height: 280,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: X_TITLE.epoch },
      y: { field: 'loss', type: 'quantitative', title: 'loss (cross-entropy)', scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: null, sort: [...new Set(values.map((v) => v.series))] },
      strokeDash: { field: 'split', type: 'nominal', title: null, sort: ['train', 'test'], legend: { symbolType: 'stroke', symbolStrokeWidth: 2 } },
      detail: { field: 'split', type: 'nominal' },
    },
    config: { ...CONFIG, legend: { orient: 'bottom', labelLimit: 400 } },
  };
}
