// `dropout-lab` as a plain npm package, as someone without VS Code gets it: `npm pack` of this
// repository, `npm install` of the tarball into an empty folder, then `npx dropout-lab …` there.
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { tempDir, writeFiles } from '../lint/tempFiles';
import { REPO_ROOT, run } from './processes';

const BUGGY = 'import torch.nn as nn\nlayer = nn.Dropout(1.5)\n';
const FIXED = 'import torch.nn as nn\nlayer = nn.Dropout(0.5)\n';

interface PackResult {
  filename: string;
  files: { path: string }[];
}

describe('npm package (npm pack → npm install → npx dropout-lab)', function () {
  this.timeout(300_000);
  let packed: PackResult;
  let tarball: string;
  let project: string;

  before(function () {
    // The tarball ships the esbuild output; `npm test` builds it before the unit tests.
    for (const built of ['dist/cli.js', 'dist/tree-sitter-python.wasm']) {
      assert.ok(fs.existsSync(path.join(REPO_ROOT, built)), `${built} is missing: run \`npm run build\` first`);
    }
    const destination = tempDir('dropout-lab-pack-');
    // --ignore-scripts: `prepare` would rebuild dist/, which is already built and is what this tests.
    const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', destination], REPO_ROOT);
    assert.strictEqual(pack.code, 0, `npm pack failed:\n${pack.stderr}`);
    packed = (JSON.parse(pack.stdout) as PackResult[])[0];
    tarball = path.join(destination, packed.filename);
    project = tempDir('dropout-lab-npm-user-');
    const install = run('npm', ['install', '--no-audit', '--no-fund', tarball], project);
    assert.strictEqual(install.code, 0, `npm install of ${tarball} failed:\n${install.stdout}\n${install.stderr}`);
  });

  it('packs the launcher, the bundles, the parser wasm files and the rule docs, and no sources or source maps', () => {
    const files = packed.files.map((f) => f.path);
    for (const needed of ['package.json', 'bin/dropout-lab.js', 'dist/cli.js', 'dist/lintWorker.js', 'dist/tree-sitter.wasm', 'dist/tree-sitter-python.wasm', 'dist/docs/rules/DRP010.md', 'README.md', 'LICENSE']) {
      assert.ok(files.includes(needed), `${needed} is missing from the npm package`);
    }
    assert.deepStrictEqual(files.filter((f) => f.endsWith('.map') || /^(src|test|node_modules|out|bench|scripts)\//.test(f)), []);
  });

  it('installs with no dependencies: everything the CLI runs is bundled into dist/', () => {
    // A runtime dependency would mean a registry download (and, for tree-sitter-python, an install
    // script) for every user; esbuild bundles libraries and esbuild.js copies the wasm files instead.
    const installed = fs.readdirSync(path.join(project, 'node_modules')).filter((name) => !name.startsWith('.'));
    assert.deepStrictEqual(installed, ['dropout-lab']);
  });

  it('`npx dropout-lab lint` reports a bug with its rule id and passes the fixed file', () => {
    writeFiles(project, { 'model.py': BUGGY, 'fixed.py': FIXED });
    const buggy = run('npx', ['--no', '--', 'dropout-lab', 'lint', 'model.py', '--format', 'json'], project);
    assert.strictEqual(buggy.code, 1, buggy.stderr);
    const findings = JSON.parse(buggy.stdout) as { rule: string; line: number; column: number }[];
    // `1.5` starts after the 19 characters of "layer = nn.Dropout(" on line 2.
    assert.deepStrictEqual(findings.map(({ rule, line, column }) => ({ rule, line, column })), [{ rule: 'DRP010', line: 2, column: 20 }]);
    const fixed = run('npx', ['--no', '--', 'dropout-lab', 'lint', 'fixed.py'], project);
    assert.strictEqual(fixed.code, 0, fixed.stdout + fixed.stderr);
    assert.strictEqual(fixed.stdout, 'No dropout problems found in 1 file.\n');
  });

  it('runs from the installed copy, not from this repository', () => {
    const version = run('npx', ['--no', '--', 'dropout-lab', '--version'], project);
    assert.strictEqual(version.stdout.trim(), JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version);
    const bin = fs.realpathSync(path.join(project, 'node_modules', '.bin', 'dropout-lab'));
    assert.strictEqual(bin, path.join(fs.realpathSync(project), 'node_modules', 'dropout-lab', 'bin', 'dropout-lab.js'));
  });

  it('`npx dropout-lab server --stdio` answers an editor: initialize, diagnostics for an opened file, clean shutdown', async () => {
    writeFiles(project, { 'served.py': BUGGY });
    const uri = pathToFileURL(path.join(project, 'served.py')).href;
    const server = spawn('npx', ['--no', '--', 'dropout-lab', 'server', '--stdio'], { cwd: project, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    server.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
    const connection = createMessageConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
    const published = new Promise<PublishDiagnosticsParams>((resolve) => {
      connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => { if (params.uri === uri) resolve(params); });
    });
    connection.listen();
    try {
      // A client with no optional capabilities gets pushed diagnostics.
      const init = await connection.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(project).href, capabilities: {} }) as { serverInfo?: { name: string } };
      assert.ok(init.serverInfo?.name, `initialize result without serverInfo: ${JSON.stringify(init)}`);
      await connection.sendNotification('initialized', {});
      await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: BUGGY } });
      const { diagnostics } = await published;
      // LSP positions are 0-based: line 2, column 20 of the CLI.
      assert.deepStrictEqual(diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character]), [['DRP010', 1, 19]]);
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
      assert.strictEqual(await exited, 0, stderr);
    } finally {
      connection.dispose();
      if (server.exitCode === null) server.kill();
    }
  });
});
