// Checks of the deployment files (docker/, launch/, configs/) against real validators and the
// built CLIs; the tests beside this file apply them to every file.
export { REPO_ROOT, repoPath, CLI_PATHS, IMAGE_APP_DIR } from './repo.js';
export { shellWords } from './shell-words.js';
export { runNode, type RunResult } from './run-node.js';
export { launchDryRun, parseDryRun, type WorkerCommand } from './dry-run.js';
export { loadTrainConfig, parseTrainArgs, trainerAccepts, type TrainArgs } from './train-args.js';
export { mapPaths } from './paths.js';
export { resolveInChild } from './resolve-rank.js';
export { interpolate, interpolateTree } from './interpolate.js';
export { composeErrors, loadCompose, COMPOSE_SCHEMA_PATH, type ComposeFile, type ComposeService } from './compose.js';
export { dockerfileProblems, readDockerfile, type FinalImage } from './dockerfile.js';
export { loadManifests, manifestError, type Manifest } from './kubernetes.js';
export { batchEnv, hostList, runBatchScript, sbatchDirectives, srunTaskEnv, type Allocation, type SrunCall } from './slurm.js';
