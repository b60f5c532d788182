#!/usr/bin/env node
// npm links this file when it installs, before dist/ is compiled; it runs the compiled CLI.
await import('../dist/cli.js');
