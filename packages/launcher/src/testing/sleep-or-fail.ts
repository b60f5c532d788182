// Each rank records its pid and that of a child it starts, then sleeps. With
// `--set fail_rank=R --set fail_with=code:N|signal:NAME`, rank R waits until every other rank is
// up, writes 25 numbered lines and ends that way. A SIGTERM is recorded in RUN_DIR/sigterm-<rank>.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exitWithLauncher } from '@rwp/process-group';
import { record } from './record.js';
import { workerArgs } from './worker-args.js';

exitWithLauncher();
const { runDir, sets } = workerArgs();
const rank = Number(process.env.RANK);
const worldSize = Number(process.env.WORLD_SIZE);
process.on('SIGTERM', () => {
  writeFileSync(join(runDir, `sigterm-${rank}`), '');
  process.exit(143);
});
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
record(join(runDir, `pids-${rank}.json`), { worker: process.pid, child: child.pid });
console.log(JSON.stringify({ level: 30, msg: `rank ${rank} ready` }));
setInterval(() => {}, 1000);

if (sets.fail_rank !== undefined && Number(sets.fail_rank) === rank) {
  const others = Array.from({ length: worldSize }, (_, r) => r).filter((r) => r !== rank);
  const poll = setInterval(() => {
    if (!others.every((r) => existsSync(join(runDir, `pids-${r}.json`)))) return;
    clearInterval(poll);
    for (let i = 1; i <= 25; i++) process.stderr.write(`failing line ${i}\n`);
    const [how, what] = (sets.fail_with ?? 'code:3').split(':');
    if (how === 'signal') process.kill(process.pid, what as NodeJS.Signals);
    else process.exit(Number(what));
  }, 20);
}
