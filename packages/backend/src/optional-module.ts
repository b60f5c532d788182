import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's folder as Node would find it from here, or undefined when it is not installed. */
export function findPackageDir(name: string): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export type Imported = { ok: true; module: Record<string, unknown> } | { ok: false; message: string };

const imports = new Map<string, Promise<Imported>>();

/**
 * Dynamic import that turns a failure into a message (its first line, without the "imported
 * from" tail). Memoised: a package's top level registers kernels, and running it twice would
 * register them twice.
 */
export function importOptional(specifier: string): Promise<Imported> {
  let pending = imports.get(specifier);
  if (pending === undefined) {
    pending = import(specifier).then(
      (module: Record<string, unknown>) => ({ ok: true as const, module }),
      (err: unknown) => ({ ok: false as const, message: firstLine(err).replace(/ imported from .*$/, '') }),
    );
    imports.set(specifier, pending);
  }
  return pending;
}

export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n', 1)[0].trim();
}
