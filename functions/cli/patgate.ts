#!/usr/bin/env node
/**
 * `npx patgate`: the command-line tool (built to dist/cli/patgate.mjs, the
 * package's `bin`). Only adapts the process to runCli.
 */

// The SDK's notice about future Node versions is for developers, not for
// someone creating a user (npm start silences it the same way).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { runCli } = await import('./run-cli.js');

process.exitCode = await runCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env });
