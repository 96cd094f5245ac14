// Starts and stops the offline VS Code server (lib/vscode/out/server-main.js from the code-server
// npm package, installed by scripts/install-vscode-server.js). Used by the integration runner, the
// e2e helper and `npm start`.
'use strict';
const childProcess = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');
const { ensureVSCodeServer } = require('../../scripts/install-vscode-server');

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** A TCP port that was free a moment ago on `host`. */
function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function httpStatus(url) {
  return new Promise((resolve) => {
    const request = http.get(url, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('error', () => resolve(undefined));
    request.setTimeout(2000, () => {
      request.destroy();
      resolve(undefined);
    });
  });
}

// Servers run in their own process group (detached), so they would survive this process; make sure
// an interrupted or crashing run still ends them.
const liveServers = new Set();
let exitHooksInstalled = false;
function installExitHooks() {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', () => {
    for (const child of liveServers) killGroup(child, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      process.stderr.write(`\n${signal}: stopping the VS Code server\n`);
      process.exit(130);
    });
  }
}

/** Kills a detached child's whole process group (server + extension hosts + pty hosts). */
function killGroup(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

/**
 * Starts the server and resolves once it answers HTTP.
 * @param {object} [options]
 * @param {number} [options.port]             fixed port (default: a free one)
 * @param {string} [options.host]             default 127.0.0.1
 * @param {string} [options.dataDir]          user/server data + extensions live here (default: a temp dir removed on stop)
 * @param {string} [options.extensionsDir]    default `<dataDir>/extensions`
 * @param {boolean} [options.disableWorkspaceTrust] default true; false gives Restricted Mode for untrusted folders
 * @param {Record<string,string>} [options.env] extra environment for the server and its extension hosts
 * @param {(line: string) => void} [options.onLine] every line the server prints
 * @param {number} [options.startTimeout]     ms, default 180000 (a loaded machine starts it slowly)
 */
async function startVSCodeServer(options = {}) {
  const server = await ensureVSCodeServer();
  const host = options.host ?? '127.0.0.1';
  const ownsDataDir = !options.dataDir;
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'dropout-lab-vscode-'));
  const extensionsDir = options.extensionsDir ?? path.join(dataDir, 'extensions');
  for (const dir of ['user-data', 'server-data']) fs.mkdirSync(path.join(dataDir, dir), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });

  let lastError;
  // A free port can be taken between probing and binding; try a few before giving up.
  for (let attempt = 0; attempt < (options.port ? 1 : 3); attempt++) {
    const port = options.port ?? (await freePort(host));
    try {
      return await launch({ server, host, port, dataDir, extensionsDir, ownsDataDir, options });
    } catch (error) {
      lastError = error;
      if (!/EADDRINUSE/.test(String(error.message))) break;
    }
  }
  if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  throw lastError;
}

function launch({ server, host, port, dataDir, extensionsDir, ownsDataDir, options }) {
  const args = [
    server.serverMain,
    '--host', host,
    '--port', String(port),
    '--without-connection-token',
    '--accept-server-license-terms',
    '--telemetry-level', 'off',
    '--user-data-dir', path.join(dataDir, 'user-data'),
    '--server-data-dir', path.join(dataDir, 'server-data'),
    '--extensions-dir', extensionsDir,
  ];
  if (options.disableWorkspaceTrust ?? true) args.push('--disable-workspace-trust');
  const child = childProcess.spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    detached: true, // own process group, so stop() also ends the extension hosts it forked
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  installExitHooks();
  liveServers.add(child);
  const output = [];
  const lineListeners = [];
  const onLine = (line) => {
    output.push(line);
    if (output.length > 2000) output.shift();
    options.onLine?.(line);
    for (const listener of lineListeners) listener(line);
  };
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      lines.forEach(onLine);
    });
    stream.on('end', () => buffered && onLine(buffered));
  }
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  exited.then(() => liveServers.delete(child));
  const url = `http://${host}:${port}/`;

  let stopped;
  const handle = {
    url,
    host,
    port,
    version: server.version,
    root: server.root,
    paths: server,
    dataDir,
    extensionsDir,
    process: child,
    output,
    exited,
    /** Calls `listener` for every later line of server output; returns an unsubscribe function. */
    onLine(listener) {
      lineListeners.push(listener);
      return () => lineListeners.splice(lineListeners.indexOf(listener), 1);
    },
    /** A `vscode-remote://` URI for an absolute path on this machine, as the workbench payload wants. */
    remoteUri(absolutePath) {
      return `vscode-remote://${host}:${port}${absolutePath.split(path.sep).map(encodeURIComponent).join('/')}`;
    },
    /** Stops the server and every process it started; safe to call more than once. */
    stop() {
      stopped ??= (async () => {
        killGroup(child, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
        // Extension hosts may outlive the server by a moment; make sure none is left behind.
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // The group is already empty.
        }
        if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };

  return (async () => {
    const deadline = Date.now() + (options.startTimeout ?? 180000);
    let exitInfo;
    exited.then((info) => { exitInfo = info; });
    while (Date.now() < deadline) {
      if (exitInfo) {
        throw new Error(`the VS Code server exited during startup (${exitInfo.signal ?? `code ${exitInfo.code}`}):\n${output.slice(-30).join('\n')}`);
      }
      if ((await httpStatus(url)) === 200) return handle;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await handle.stop();
    throw new Error(`the VS Code server did not answer on ${url} within the start timeout:\n${output.slice(-30).join('\n')}`);
  })();
}

/**
 * The workbench URL that opens `folder` and, optionally, loads an extension under development and
 * runs its tests (the same payload keys desktop VS Code takes as command-line flags).
 */
function workbenchUrl(server, { folder, extensionDevelopmentPath, extensionTestsPath, payload = [] } = {}) {
  const entries = [['skipWelcome', 'true'], ['skipReleaseNotes', 'true'], ...payload];
  if (extensionDevelopmentPath) entries.push(['extensionDevelopmentPath', server.remoteUri(path.resolve(extensionDevelopmentPath))]);
  if (extensionTestsPath) entries.push(['extensionTestsPath', server.remoteUri(path.resolve(extensionTestsPath))]);
  const query = new URLSearchParams();
  if (folder) query.set('folder', path.resolve(folder));
  query.set('payload', JSON.stringify(entries));
  return `${server.url}?${query.toString()}`;
}

/**
 * Installs a .vsix into `extensionsDir` with the server's own CLI (what a code-server user runs),
 * before a server is started on that folder. Resolves to the CLI output.
 */
async function installVsix(vsixPath, extensionsDir) {
  const server = await ensureVSCodeServer();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dropout-lab-install-'));
  try {
    const result = childProcess.spawnSync(process.execPath, [
      server.serverMain,
      '--install-extension', path.resolve(vsixPath),
      '--force',
      '--extensions-dir', extensionsDir,
      '--server-data-dir', path.join(scratch, 'server-data'),
      '--user-data-dir', path.join(scratch, 'user-data'),
      '--accept-server-license-terms',
    ], { encoding: 'utf8', timeout: 120000 });
    const text = `${result.stdout ?? ''}${result.stderr ?? ''}`;
    if (result.status !== 0) throw new Error(`installing ${vsixPath} failed (${result.error?.message ?? `exit ${result.status}`}):\n${text}`);
    return text;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

module.exports = { startVSCodeServer, workbenchUrl, installVsix, freePort, REPO_ROOT };
