import type { LaunchSettings } from '../settings/launch-settings.js';
import { shellQuote } from '../output/shell-quote.js';
import type { WorkerSpec } from './worker-spec.js';

/** Each worker's environment and command line as shell lines a user can read or paste. */
export function describeWorkers(plan: LaunchSettings, specs: readonly WorkerSpec[], node: string): string {
  const out = [`# rwp-launch dry run: node ${plan.nodeRank} of ${plan.nnodes}, ${specs.length} worker(s), run dir ${plan.runDir}`];
  if (plan.nnodes === 1) out.push('# (on one host the run id, and the port unless given, are chosen afresh for each real start)');
  for (const s of specs) {
    out.push(`# rank ${s.rank} (node ${plan.nodeRank}, local rank ${s.localRank})`);
    const lines = Object.entries(s.env).map(([k, v]) => `${k}=${shellQuote(v)}`);
    lines.push([node, ...s.args].map(shellQuote).join(' '));
    out.push(`env ${lines.join(' \\\n  ')}`);
  }
  return out.join('\n') + '\n';
}
