import { readFileSync } from 'node:fs';

/** The version in this package's package.json (two levels above dist/settings/). */
export function launcherVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
