// Worker thread of the Prefetcher: prepares requested batches one at a time (an image folder's
// JPEGs are decoded and resized on this thread, one image after another, so a worker keeps one
// core busy) and transfers them back.
import { parentPort, workerData } from 'node:worker_threads';
import { prepareBatch, type ResultMessage, type WorkMessage, type WorkerInit } from './batch-request.js';
import { sourceFromSpec } from './source-from-spec.js';

const init = workerData as WorkerInit;
const source = sourceFromSpec(init.spec);
const port = parentPort!;

async function handle(m: WorkMessage): Promise<void> {
  let reply: ResultMessage;
  try {
    reply = { id: m.id, batch: await prepareBatch(source, m, init, m.out) };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    port.postMessage({ id: m.id, error: { name: err.name, message: err.message } } satisfies ResultMessage);
    return;
  }
  port.postMessage(reply, [reply.batch.x.buffer as ArrayBuffer, reply.batch.y.buffer as ArrayBuffer]);
}

let queue = Promise.resolve();
port.on('message', (m: WorkMessage) => {
  queue = queue.then(() => handle(m));
});
