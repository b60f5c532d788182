import { resolve } from 'node:path';
import { loadConfig, type Config } from '@rwp/trainer';
import { CLI_PATHS, REPO_ROOT } from './repo.js';
import { runNode, type RunResult } from './run-node.js';

/** The parts of an rwp-train command line that say what runs: the config and its overrides. */
export interface TrainArgs {
  config: string;
  sets: string[];
  runDir?: string;
  resume: boolean;
}

/** Reads rwp-train's arguments (CONFIG, --run-dir DIR, --resume, --set K=V ...). */
export function parseTrainArgs(args: readonly string[]): TrainArgs {
  const out: Partial<TrainArgs> & { sets: string[]; resume: boolean } = { sets: [], resume: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--resume') out.resume = true;
    else if (a === '--run-dir') out.runDir = args[++i];
    else if (a === '--set') while (i + 1 < args.length && !args[i + 1].startsWith('-')) out.sets.push(args[++i]);
    else if (a.startsWith('-')) throw new Error(`rwp-train has no flag ${a} (in: ${args.join(' ')})`);
    else if (out.config === undefined) out.config = a;
    else throw new Error(`rwp-train takes one config, got ${out.config} and ${a}`);
  }
  if (out.config === undefined) throw new Error(`no config in: ${args.join(' ')}`);
  return out as TrainArgs;
}

/** The line the trainer logs when it got as far as resolving its rank in an environment with none. */
const NO_RANK = 'RANK: is not set but WORLD_SIZE=2';

/**
 * Runs the real worker program with `args`, twice. With --help it must print its usage. Then as
 * is, in an environment that names two processes but no rank: rwp-train parses every flag and
 * loads the config with its --set overrides, and then stops at the first step of a real run,
 * resolving its rank, with "RANK: is not set". An unknown flag, a missing argument or a bad config
 * stops it earlier with another message. Returns the second run's output and whether it got there.
 */
export function trainerAccepts(args: readonly string[], program = CLI_PATHS['rwp-train']): RunResult & { accepted: boolean; help: boolean } {
  const help = runNode([program, ...args, '--help'], {});
  const r = runNode([program, ...args], { WORLD_SIZE: '2' });
  const output = r.stdout + r.stderr;
  return {
    ...r,
    help: help.code === 0 && help.stdout.startsWith('Usage: rwp-train'),
    // commander's usage errors start a line with "error: ".
    accepted: r.code === 1 && output.includes(NO_RANK) && !/^error: /m.test(output),
  };
}

/**
 * The config a worker with these arguments loads, with the trainer's own loader; a relative path
 * is taken from the repository root, the working directory of the images and recipes.
 */
export function loadTrainConfig(args: TrainArgs): Config {
  return loadConfig(resolve(REPO_ROOT, args.config), args.sets);
}
