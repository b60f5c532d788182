import { CLI_PATHS } from './repo.js';
import { runNode } from './run-node.js';
import { shellWords } from './shell-words.js';

/** One worker as `rwp-launch --dry-run` describes it: its environment and its command line. */
export interface WorkerCommand {
  env: Record<string, string>;
  /** The worker program and its arguments (after `node`). */
  argv: string[];
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

/**
 * Runs the real rwp-launch with `args` plus --dry-run and returns the workers it would start.
 * Throws with the launcher's own message when it rejects the command line.
 */
export function launchDryRun(args: readonly string[], env: NodeJS.ProcessEnv): WorkerCommand[] {
  const r = runNode([CLI_PATHS['rwp-launch'], ...args, '--dry-run'], env);
  if (r.code !== 0) throw new Error(`rwp-launch ${args.join(' ')} --dry-run exited ${r.code}: ${r.stderr.trim()}`);
  return parseDryRun(r.stdout);
}

/** The "env K=V ... node WORKER ARGS" blocks of a dry run; comment lines are skipped. */
export function parseDryRun(text: string): WorkerCommand[] {
  const blocks: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('env ')) blocks.push(line);
    else if (blocks.length > 0 && !line.startsWith('#') && line.trim() !== '') blocks[blocks.length - 1] += '\n' + line;
  }
  return blocks.map((block) => {
    const words = shellWords(block).slice(1);
    const env: Record<string, string> = {};
    let i = 0;
    for (let m = ASSIGNMENT.exec(words[i] ?? ''); m !== null; m = ASSIGNMENT.exec(words[++i] ?? '')) env[m[1]] = m[2];
    // words[i] is node itself; what follows is the worker program and its arguments.
    return { env, argv: words.slice(i + 1) };
  });
}
