#!/usr/bin/env node
// Prints, as JSON, the identity the worker's own resolution (@rwp/process-group) gives this process
// from its environment; or the error it throws, and exit status 1.
import { resolveProcessGroup } from '@rwp/process-group';

try {
  process.stdout.write(JSON.stringify(resolveProcessGroup(process.env)));
} catch (e) {
  process.stderr.write(e instanceof Error ? e.message : String(e));
  process.exit(1);
}
