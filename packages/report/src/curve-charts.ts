// The accuracy and loss charts of a set of runs: what rwp-plot draws and what bench:accuracy
// puts in its report.
import { curveSpec, lossSpec } from './chart-specs.js';
import { meanCurves, type CurvePoint } from './curves.js';
import { writeChart, type ChartFiles } from './render.js';

export interface CurveCharts {
  /** Chart name (file name without extension) -> files; only charts that had data. */
  charts: Record<string, ChartFiles>;
  /** Charts left out, and why. */
  skipped: string[];
}

/** Writes accuracy-by-epoch, accuracy-by-time and loss-by-epoch (SVG and PNG) into `dir`. */
export async function writeCurveCharts(curves: CurvePoint[][], dir: string, opts: { title: string; mean: boolean }): Promise<CurveCharts> {
  const points = opts.mean ? meanCurves(curves) : curves.flat();
  const note = opts.mean ? 'mean over seeds; band: min-max' : 'one line per run';
  const charts: Record<string, ChartFiles> = {};
  const skipped: string[] = [];
  if (points.some((p) => p.test_acc !== null)) {
    charts['accuracy-by-epoch'] = await writeChart(dir, 'accuracy-by-epoch', curveSpec(points, 'epoch', 'test_acc', `${opts.title}: test accuracy per epoch`, note));
    charts['accuracy-by-time'] = await writeChart(dir, 'accuracy-by-time', curveSpec(points, 'seconds', 'test_acc', `${opts.title}: test accuracy per training second`, note));
  } else {
    skipped.push('accuracy-by-epoch, accuracy-by-time: no run has a test accuracy (trained with train.eval=false)');
  }
  charts['loss-by-epoch'] = await writeChart(dir, 'loss-by-epoch', lossSpec(points, `${opts.title}: loss per epoch (${note})`));
  return { charts, skipped };
}
