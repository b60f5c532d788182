import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { breakdownSpec, curveSpec, stepTimeSpec } from './chart-specs.js';
import { writeChart } from './render.js';
import { readPngChart, readSvgChart } from '@rwp/test-support';
import type { CurvePoint } from './curves.js';

const dir = mkdtempSync(join(tmpdir(), 'rwp-charts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the step-time chart is an SVG with the methods, the ratios and the bars, and a PNG twice its size', async () => {
  const bars = [
    { label: 'sgd', median: 50, p10: 45, p90: 60, ratio: 1 },
    { label: 'sam', median: 100, p10: 95, p90: 120, ratio: 2 },
    { label: 'rwp, 2 ranks', median: 55, p10: 50, p90: 70, ratio: 1.1 },
  ];
  const files = await writeChart(dir, 'step-times', stepTimeSpec(bars, 'Time per step'));
  const svg = readSvgChart(files.svg);
  for (const t of ['sgd', 'sam', 'rwp, 2 ranks', 'Time per step', '50.0 ms (1.00x)', '100.0 ms (2.00x)', '55.0 ms (1.10x)']) {
    assert.ok(svg.texts.includes(t), `"${t}" is in the chart's text: ${JSON.stringify(svg.texts)}`);
  }
  assert.ok(svg.shapes >= 6, 'bars and whiskers are drawn');
  const png = readPngChart(files.png);
  assert.equal(png.width, svg.width * 2);
  assert.equal(png.height, svg.height * 2);
  assert.ok(png.inked > 0.02 * png.width * png.height, `the PNG has bars and text (${png.inked} inked pixels)`);
});

test('the breakdown chart names every part in its legend', async () => {
  const parts = ['data', 'compute', 'transfer', 'wait', 'other'].map((part, i) => ({ label: 'rwp, 2 ranks', part, ms: i + 1 }));
  const svg = readSvgChart((await writeChart(dir, 'breakdown', breakdownSpec(parts, ['rwp, 2 ranks'], 'Where'))).svg);
  for (const t of ['data', 'compute', 'transfer', 'wait', 'other']) assert.ok(svg.texts.includes(t), t);
});

test('curve charts have one legend entry per series and draw text into the PNG', async () => {
  const points: CurvePoint[] = [1, 2, 3].flatMap((e) => [
    { series: 'sgd', epoch: e, seconds: 10 * e, step: 100 * e, test_acc: 0.8 + e / 100, test_loss: 0.5, train_loss: 0.6, test_acc_lo: 0.79 + e / 100, test_acc_hi: 0.81 + e / 100, runs: 3 },
    { series: 'rwp, 2 ranks', epoch: e, seconds: 11 * e, step: 100 * e, test_acc: 0.81 + e / 100, test_loss: 0.5, train_loss: 0.6, runs: 3 },
  ]);
  const files = await writeChart(dir, 'acc', curveSpec(points, 'seconds', 'test_acc', 'Accuracy', 'mean over seeds'));
  const svg = readSvgChart(files.svg);
  assert.ok(svg.texts.includes('sgd') && svg.texts.includes('rwp, 2 ranks'));
  assert.ok(svg.texts.some((t) => t.startsWith('training time')), 'the x axis says what the seconds are');
  assert.ok(svg.texts.some((t) => /%$/.test(t)), 'accuracy ticks are percentages');
  assert.ok(readPngChart(files.png).inked > 1000);
});
