import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatSummaryTable } from './summary-table.js';
import { runEndOf, type RunEnd } from './worker-records.js';

const END: RunEnd = {
  summary: { test_acc: 0.9265, best_test_acc: 0.9271, steps: 3744, wall_seconds: 675.2, method: { name: 'rwp' }, model: 'cnn', dataset: 'fashion-mnist', world_size: 2 },
  run_dir: '/home/u/rwp/runs/fmnist a',
  model: '/home/u/rwp/runs/fmnist a/model/model.json',
  timing: { step_ms: 176.24, compute_ms: 148.03, comm_ms: 24.11, data_ms: 4.1 },
};

test('the closing table: accuracies, wall time, the ms/step split, paths and the plot command', () => {
  assert.equal(
    formatSummaryTable(END, '/home/u/rwp'),
    [
      'Run finished: rwp on cnn, fashion-mnist, 2 rank(s), 3744 steps',
      '  final test accuracy  92.65%',
      '  best test accuracy   92.71%',
      '  wall time            11m15s',
      '  ms per step          176.2 = compute 148.0 + comm 24.1 + data 4.1',
      '  run dir              runs/fmnist a',
      '  model                runs/fmnist a/model/model.json',
      "  plot it              npx rwp-plot 'runs/fmnist a' --out 'runs/fmnist a/plots'",
      '',
    ].join('\n'),
  );
});

test('paths outside the working directory stay absolute; a run without evaluation or timing says so', () => {
  const table = formatSummaryTable({ ...END, summary: { ...END.summary, test_acc: null, best_test_acc: null }, timing: null }, '/elsewhere');
  assert.match(table, /final test accuracy {2}not evaluated\n/);
  assert.match(table, /ms per step {10}-\n/);
  assert.match(table, /run dir {14}\/home\/u\/rwp\/runs\/fmnist a\n/);
});

test("a record is the run's end only with every field the table needs", () => {
  const record = { level: 30, msg: 'done', rank: 0, ...END };
  assert.deepEqual(runEndOf(record), record);
  assert.equal(runEndOf({ ...record, timing: undefined }), null);
  assert.equal(runEndOf({ ...record, summary: { ...END.summary, steps: '3744' } }), null);
  assert.equal(runEndOf({ msg: 'done' }), null);
});
