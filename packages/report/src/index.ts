export { percentile, median, mean, std, sum } from './stats.js';
export { readRun, readMetrics, readSummary, methodLabel, passesPerEpoch, RunFileError, type MetricsLine, type RunSummary, type RunRecord } from './run-files.js';
export { runCurve, meanCurves, type CurvePoint } from './curves.js';
export { stepTimeSpec, breakdownSpec, curveSpec, lossSpec, BREAKDOWN_PARTS, type StepTimeBar, type BreakdownPart } from './chart-specs.js';
export { renderSvg, svgToPng, writeChart, type ChartFiles } from './render.js';
export { writeCurveCharts, type CurveCharts } from './curve-charts.js';
export { markdownTable, markdownImage, fixed, textTable } from './markdown.js';
