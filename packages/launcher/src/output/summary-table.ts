import { isAbsolute, join, relative, resolve } from 'node:path';
import { durationText } from '@rwp/process-group';
import { shellQuote } from './shell-quote.js';
import type { RunEnd } from './worker-records.js';

/** The table a terminal shows when the run has ended; paths under `cwd` are shown relative to it. */
export function formatSummaryTable(end: RunEnd, cwd: string): string {
  const s = end.summary;
  const t = end.timing;
  const shown = (path: string): string => {
    const rel = relative(cwd, resolve(cwd, path));
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : resolve(cwd, path);
  };
  const runDir = shown(end.run_dir);
  const rows: Array<[string, string]> = [
    ['final test accuracy', percent(s.test_acc)],
    ['best test accuracy', percent(s.best_test_acc)],
    ['wall time', durationText(s.wall_seconds)],
    ['ms per step', t === null ? '-' : `${ms(t.step_ms)} = compute ${ms(t.compute_ms)} + comm ${ms(t.comm_ms)} + data ${ms(t.data_ms)}`],
    ['run dir', runDir],
    ['model', shown(end.model)],
    ['plot it', `npx rwp-plot ${shellQuote(runDir)} --out ${shellQuote(join(runDir, 'plots'))}`],
  ];
  const title = `Run finished: ${s.method.name} on ${s.model}, ${s.dataset}, ${s.world_size} rank(s), ${s.steps} steps`;
  const width = Math.max(...rows.map(([label]) => label.length));
  return [title, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)].join('\n') + '\n';
}

const percent = (acc: number | null): string => (acc === null ? 'not evaluated' : `${(acc * 100).toFixed(2)}%`);
const ms = (x: number): string => x.toFixed(1);
