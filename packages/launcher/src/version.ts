import { readFileSync } from 'node:fs';

/** The version in this package's package.json (one level above dist/). */
export function launcherVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
