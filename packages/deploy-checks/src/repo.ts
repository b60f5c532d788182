import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root: this file is packages/deploy-checks/{src,dist}/repo.* */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');

export const repoPath = (...parts: string[]): string => join(REPO_ROOT, ...parts);

/** The built CLIs the deployment files call. */
export const CLI_PATHS: Readonly<Record<string, string>> = {
  'rwp-launch': repoPath('packages/launcher/dist/cli.js'),
  'rwp-train': repoPath('packages/trainer/dist/cli.js'),
};

/**
 * What npm links into node_modules/.bin under those names: committed shims that run the CLIs.
 * rwp-launch's default worker is the rwp-train one.
 */
export const BIN_PATHS: Readonly<Record<string, string>> = {
  'rwp-launch': repoPath('packages/launcher/bin/rwp-launch.js'),
  'rwp-train': repoPath('packages/trainer/bin/rwp-train.js'),
};

/** Where the images put the repository (WORKDIR and COPY in docker/Dockerfile*). */
export const IMAGE_APP_DIR = '/app';
