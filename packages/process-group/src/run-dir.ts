import { basename, extname, join } from 'node:path';

/** Where a run goes when neither a flag nor the config says: runs/<config name>-<UTC time>. */
export function defaultRunDir(configPath: string, now: Date = new Date()): string {
  return join('runs', `${basename(configPath, extname(configPath))}-${utcStamp(now)}`);
}

/** 2025-01-02T03:04:05.678Z -> 20250102T030405Z: sortable, safe in a path, and says it is UTC. */
function utcStamp(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
}
