#!/usr/bin/env node
// `npm start`: builds the extension, makes sure the offline VS Code server is installed, starts it
// on 127.0.0.1 with Dropout Lab loaded (as the extension under development) and the examples/
// workspace open, and prints the URL to open in a browser.
//
// Options: --port N (or env DROPOUT_LAB_PORT / PORT; default 8090), --host H (default 127.0.0.1),
//          --folder DIR (default examples/), --watch (rebuild on change; reload the window to pick it up).
'use strict';
const childProcess = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');

const REPO_ROOT = path.resolve(__dirname, '..');
const DEFAULT_PORT = 8090;

function parseArgs(argv) {
  const options = {
    port: Number(process.env.DROPOUT_LAB_PORT || process.env.PORT || DEFAULT_PORT),
    host: process.env.DROPOUT_LAB_HOST || '127.0.0.1',
    folder: path.join(REPO_ROOT, 'examples'),
    watch: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--port') options.port = Number(argv[++i]);
    else if (arg === '--host') options.host = argv[++i];
    else if (arg === '--folder') options.folder = path.resolve(argv[++i]);
    else if (arg === '--watch') options.watch = true;
    else throw new Error(`unknown option ${arg} (expected --port N, --host H, --folder DIR, --watch)`);
  }
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
    throw new Error(`the port must be an integer between 1 and 65535, got ${options.port}`);
  }
  if (!fs.existsSync(options.folder)) throw new Error(`the folder to open does not exist: ${options.folder}`);
  return options;
}

function portIsFree(port, host) {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

function build() {
  console.log('Building the extension (npm run build)...');
  const result = childProcess.spawnSync(process.execPath, [path.join(REPO_ROOT, 'esbuild.js')], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('the build failed; fix the errors above and run npm start again');
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  build();
  if (!(await portIsFree(options.port, options.host))) {
    throw new Error(`port ${options.port} on ${options.host} is in use; pick another with \`npm start -- --port N\` or DROPOUT_LAB_PORT=N`);
  }
  const { ensureVSCodeServer, cacheRoot } = require('./install-vscode-server');
  await ensureVSCodeServer();
  const { startVSCodeServer, workbenchUrl } = require('../test/harness/vscodeServer');
  // A persistent profile, so the server keeps its state between `npm start` runs.
  const dataDir = path.join(cacheRoot(), 'start-profile');
  const server = await startVSCodeServer({ host: options.host, port: options.port, dataDir });

  let watcher;
  if (options.watch) {
    watcher = childProcess.spawn(process.execPath, [path.join(REPO_ROOT, 'esbuild.js'), '--watch'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
  const url = workbenchUrl(server, { folder: options.folder, extensionDevelopmentPath: REPO_ROOT });
  console.log('');
  console.log(`Dropout Lab is loaded in VS Code ${server.version} (offline server, pid ${server.process.pid}).`);
  console.log(`Workspace: ${options.folder}`);
  console.log('Open this URL in a browser:');
  console.log('');
  console.log(`  ${url}`);
  console.log('');
  console.log(options.watch
    ? 'Rebuilding on change: run "Developer: Reload Window" in VS Code to load a new build. Ctrl+C stops.'
    : 'Ctrl+C stops the server.');

  const info = await server.exited;
  watcher?.kill();
  throw new Error(`the VS Code server stopped (${info.signal ?? `exit code ${info.code}`}):\n${server.output.slice(-20).join('\n')}`);
}

main().catch((error) => {
  console.error(`npm start: ${error.message}`);
  process.exit(1);
});
