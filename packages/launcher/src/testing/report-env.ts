// Writes what the launcher gave it (argv, environment) to RUN_DIR/env-<rank>.json, logs a pino
// line and a plain stderr line, then exits 0.
import { join } from 'node:path';
import { pino } from 'pino';
import { exitWithLauncher } from '@rwp/process-group';
import { record } from './record.js';
import { workerArgs } from './worker-args.js';

exitWithLauncher();
const args = workerArgs();
const rank = process.env.RANK;
record(join(args.runDir, `env-${rank}.json`), { argv: process.argv.slice(2), env: process.env });
pino().info({ step: 1 }, `hello from rank ${rank}`);
process.stderr.write(`plain stderr line from rank ${rank}\n`);
