// What may differ between the config a checkpoint was written with and the config resuming it:
// keys that change how a run goes but not what it computes. Everything else must be equal.

/**
 * Free on resume: the train section but its epochs (the schedule's length); the data pipeline's
 * threads, whose batches are bitwise the same whatever their number
 * (image-folder-batches.slow-test.ts); and the collectives' deadline, which a run that timed out
 * may need raised.
 */
const FREE = new Set(['data.prefetch', 'data.workers', 'data.prefetch_depth', 'dist.timeout_s']);

function freeOnResume(key: string): boolean {
  return (key.startsWith('train.') && key !== 'train.epochs') || FREE.has(key);
}

function flatten(value: unknown, prefix: string, out: Map<string, string>): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, JSON.stringify(value));
  }
  return out;
}

/**
 * The keys that differ and may not, each as `key: saved in the checkpoint, now now`; empty when
 * the run may resume. A key the checkpoint lacks (written before rwp had it) counts as its
 * value in `defaults`, which is what that older rwp did.
 */
export function resumeConfigChanges(saved: unknown, now: unknown, defaults: unknown): string[] {
  const [a, b, d] = [flatten(saved, '', new Map()), flatten(now, '', new Map()), flatten(defaults, '', new Map())];
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys
    .filter((k) => !freeOnResume(k) && (a.get(k) ?? d.get(k)) !== b.get(k))
    .map((k) => `${k}: ${a.get(k) ?? 'absent'} in the checkpoint, ${b.get(k) ?? 'absent'} now`);
}
