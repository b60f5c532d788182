// Where Node's C headers (node_api.h) are, for the project's native addons; undefined if nowhere.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export function nodeHeaders() {
  const candidates = [
    process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, 'include', 'node'),
    resolve(dirname(process.execPath), '..', 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
  ].filter(Boolean);
  return candidates.find((dir) => existsSync(join(dir, 'node_api.h')));
}
