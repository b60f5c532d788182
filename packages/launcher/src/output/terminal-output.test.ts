import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { createCombinedOutput } from './combined-output.js';

const ERASE = '\r\x1b[2K';
const progress = (step: number): string =>
  JSON.stringify({ level: 30, time: 1, msg: `step ${step}/10`, progress: { step, total: 10, epoch: 1, epochs: 2, loss: 0.5, lr: 0.1, images_per_s: 100, eta_s: 3 } });
const epoch = JSON.stringify({ level: 30, time: 2, msg: 'epoch 1 of 2: train loss 0.5000', metrics: { epoch: 1, train_loss: 0.5 } });
const done = JSON.stringify({
  level: 30, time: 3, msg: 'done: 10 steps',
  summary: { test_acc: 0.5, best_test_acc: 0.75, steps: 10, wall_seconds: 3, method: { name: 'sgd' }, model: 'mlp', dataset: 'synthetic', world_size: 1 },
  run_dir: '/r', model: '/r/model/model.json', timing: { step_ms: 10, compute_ms: 8, comm_ms: 1, data_ms: 1 },
});

async function render(isTTY: boolean, lines: string[]): Promise<string> {
  const out = Object.assign(new PassThrough(), { isTTY, columns: 100 });
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  const output = await createCombinedOutput(out, true);
  for (const line of lines) output.workerLine(0, 'stdout', line);
  output.close();
  return text;
}

const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

test('on a terminal progress is the bottom line, redrawn under each log line; fields stay off the screen; the table ends it', async () => {
  const text = plain(await render(true, [progress(1), epoch, progress(5), done]));
  const bar1 = 'step 1/10 (10%)  [##..................]  epoch 1/2  loss 0.5000  lr 0.100  100 img/s  ETA 3s';
  assert.ok(text.startsWith(`${ERASE}${bar1}${ERASE}[`), JSON.stringify(text));
  assert.match(text, /\] INFO: \[rank 0\] epoch 1 of 2: train loss 0\.5000\n/);
  assert.ok(text.includes(`0.5000\n${bar1}${ERASE}step 5/10`), 'the bar is drawn again under the line printed above it');
  assert.doesNotMatch(text, /train_loss|metrics|wall_seconds/);
  assert.ok(text.endsWith(`${ERASE}\nRun finished: sgd on mlp, synthetic, 1 rank(s), 10 steps\n  final test accuracy  50.00%\n  best test accuracy   75.00%\n` +
    '  wall time            3s\n  ms per step          10.0 = compute 8.0 + comm 1.0 + data 1.0\n  run dir              /r\n' +
    '  model                /r/model/model.json\n  plot it              npx rwp-plot /r --out /r/plots\n'), JSON.stringify(text));
});

test('readable output that is not a terminal prints progress as lines, with no terminal control codes', async () => {
  const text = await render(false, [progress(1), done]);
  assert.match(text, /INFO: \[rank 0\] step 1\/10\n/);
  assert.doesNotMatch(text, /\x1b|\r/);
  assert.match(text, /\n {2}plot it {14}npx rwp-plot \/r --out \/r\/plots\n$/);
});

test('piped output passes every record through as one JSON object a line, progress included', async () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  const output = await createCombinedOutput(out, false);
  for (const line of [progress(1), epoch, done]) output.workerLine(1, 'stdout', line);
  output.close();
  assert.deepEqual(text.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown), [progress(1), epoch, done].map((l) => ({ ...(JSON.parse(l) as object), rank: 1 })));
});
