import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

/** A fresh directory removed when the test ends. */
export function scratchDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'rwp-deploy-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
