#!/usr/bin/env node
// Installs the offline VS Code server (the one bundled in the `code-server` npm package) into a
// cache folder outside the clone, once. Desktop VS Code cannot be downloaded on these machines, so
// integration tests, e2e tests and `npm start` all run against this server.
//
// Idempotent: a marker file is written only after every step succeeded; a present marker means
// "done". Concurrent callers (several test runs at once) serialise on a lock directory, and the
// install happens in a staging folder that is renamed into place, so a half-finished install is
// never mistaken for a good one.
//
// Usage: node scripts/install-vscode-server.js        (prints the server folder)
//        require('./scripts/install-vscode-server').ensureVSCodeServer() → { root, serverMain, version, ... }
'use strict';
const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const CODE_SERVER_VERSION = '4.100.3';
// What code-server 4.100.3's lib/vscode pins; its postinstall looks for this archive in a tmpdir
// cache before trying GitHub (which is unreachable here).
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_ARCHIVE = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';
const MARKER = '.dropout-lab-install-ok';
const LOCK_STALE_MS = 20 * 60 * 1000;

function cacheRoot() {
  if (process.env.DROPOUT_LAB_CACHE) return path.resolve(process.env.DROPOUT_LAB_CACHE);
  const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(xdg, 'dropout-lab');
}

/** Paths of the installed server (whether or not it is installed yet). */
function serverPaths(root = path.join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}`)) {
  const codeServer = path.join(root, 'node_modules', 'code-server');
  const vscode = path.join(codeServer, 'lib', 'vscode');
  return {
    root,
    codeServer,
    vscode,
    serverMain: path.join(vscode, 'out', 'server-main.js'),
    codeServerEntry: path.join(codeServer, 'out', 'node', 'entry.js'),
    marker: path.join(root, MARKER),
  };
}

/** The VS Code version the server really is (from its product.json / package.json). */
function readVSCodeVersion(paths = serverPaths()) {
  for (const file of ['product.json', 'package.json']) {
    try {
      const json = JSON.parse(fs.readFileSync(path.join(paths.vscode, file), 'utf8'));
      if (typeof json.version === 'string') return json.version;
    } catch {
      // Try the next file; the caller reports a missing version.
    }
  }
  return undefined;
}

function isInstalled(paths) {
  return fs.existsSync(paths.marker) && fs.existsSync(paths.serverMain);
}

function log(message) {
  process.stderr.write(`[vscode-server] ${message}\n`);
}

function run(command, args, options) {
  log(`$ ${command} ${args.join(' ')}${options.cwd ? `   (in ${options.cwd})` : ''}`);
  const result = childProcess.spawnSync(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    ...options,
    env: { ...process.env, ...options.env },
  });
  if (result.error) throw new Error(`${command} could not start: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed with ${result.signal ?? `exit code ${result.status}`}`);
  }
}

function findOnPath(command) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // Not in this PATH entry.
    }
  }
  return undefined;
}

/** Puts a ripgrep archive where @vscode/ripgrep's postinstall looks before downloading. */
function seedRipgrepArchive() {
  const dir = path.join(os.tmpdir(), `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  const archive = path.join(dir, RIPGREP_ARCHIVE);
  if (fs.existsSync(archive) && fs.statSync(archive).size > 0) return;
  const rg = findOnPath('rg');
  if (!rg) {
    throw new Error('ripgrep (`rg`) is not installed; the VS Code server needs it. Install it with `apt-get install -y ripgrep`.');
  }
  fs.mkdirSync(dir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'dropout-lab-rg-'));
  try {
    fs.copyFileSync(fs.realpathSync(rg), path.join(staging, 'rg'));
    fs.chmodSync(path.join(staging, 'rg'), 0o755);
    const partial = `${archive}.${process.pid}.partial`;
    run('tar', ['-czf', partial, '-C', staging, 'rg'], {});
    fs.renameSync(partial, archive);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** mkdir is atomic: whoever creates the lock directory installs; others wait for the marker. */
async function withLock(lockDir, paths, work) {
  const deadline = Date.now() + LOCK_STALE_MS;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      let holder = NaN;
      try {
        holder = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
      } catch {
        // The holder has not written its pid yet, or just released the lock.
      }
      const age = Date.now() - (fs.statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if ((Number.isInteger(holder) && !pidAlive(holder)) || age > LOCK_STALE_MS) {
        log(`removing stale install lock (pid ${holder})`);
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for another install (lock ${lockDir})`);
      if (isInstalled(paths)) return;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
  try {
    if (!isInstalled(paths)) await work();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

function install(paths) {
  const staging = `${paths.root}.staging-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  const started = Date.now();
  try {
    log(`installing code-server ${CODE_SERVER_VERSION} into ${paths.root} (a few minutes, once)`);
    fs.writeFileSync(path.join(staging, 'package.json'), JSON.stringify({ name: 'dropout-lab-vscode-server', private: true }, null, 2));
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const quiet = { npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
    run(npm, ['install', '--ignore-scripts', '--no-save', `code-server@${CODE_SERVER_VERSION}`], { cwd: staging, env: quiet });

    seedRipgrepArchive();
    const stagedPaths = serverPaths(staging);
    // code-server's postinstall installs lib/vscode's own dependencies (native modules included);
    // it calls `npx node-gyp` (needs npm_config_yes) and refuses to run as root without unsafe_perm.
    run('sh', ['./postinstall.sh'], {
      cwd: stagedPaths.codeServer,
      env: {
        ...quiet,
        npm_config_yes: 'true',
        npm_config_unsafe_perm: 'true',
        npm_config_user_agent: `npm/11 node/${process.version} ${process.platform} ${process.arch}`,
      },
    });
    // Only lib/vscode/out/server-main.js is used (it also installs .vsix files), so code-server's
    // own CLI and its argon2 native binding are not needed.

    if (!fs.existsSync(stagedPaths.serverMain)) throw new Error(`install finished but ${stagedPaths.serverMain} is missing`);
    const rgBinary = path.join(stagedPaths.vscode, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg');
    if (!fs.existsSync(rgBinary)) throw new Error(`install finished but ripgrep is missing at ${rgBinary}`);
    const version = readVSCodeVersion(stagedPaths);
    if (!version) throw new Error('install finished but the VS Code version cannot be read from product.json');

    fs.rmSync(paths.root, { recursive: true, force: true });
    fs.renameSync(staging, paths.root);
    fs.writeFileSync(paths.marker, JSON.stringify({ codeServer: CODE_SERVER_VERSION, vscode: version, installedAt: new Date().toISOString() }) + '\n');
    log(`installed VS Code ${version} in ${Math.round((Date.now() - started) / 1000)} s`);
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Installs the server when absent; resolves to its paths and version. */
async function ensureVSCodeServer() {
  const paths = serverPaths();
  if (!isInstalled(paths)) {
    fs.mkdirSync(path.dirname(paths.root), { recursive: true });
    await withLock(`${paths.root}.lock`, paths, () => install(paths));
  }
  if (!isInstalled(paths)) throw new Error(`the VS Code server is not installed at ${paths.root}`);
  return { ...paths, version: readVSCodeVersion(paths) };
}

module.exports = { ensureVSCodeServer, serverPaths, readVSCodeVersion, cacheRoot, CODE_SERVER_VERSION };

if (require.main === module) {
  ensureVSCodeServer().then(
    (server) => console.log(`VS Code ${server.version} server ready: ${server.root}`),
    (error) => {
      console.error(`Could not install the VS Code server: ${error.message}`);
      process.exit(1);
    },
  );
}
