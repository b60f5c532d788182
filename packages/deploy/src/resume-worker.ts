#!/usr/bin/env node
// The worker the recipes, docker-compose and the images hand to `rwp-launch --worker`: rwp-train
// with --resume always. rwp-launch passes --resume only when it restarts a failed group itself; a
// fresh launcher (a container Docker restarted, a recipe run again) would start from step 0 and
// overwrite the checkpoint. `rwp-train --resume` starts from the beginning when RUN_DIR has no
// checkpoint yet, so a first start is unchanged.
process.argv.push('--resume');
await import('@rwp/trainer/cli');
