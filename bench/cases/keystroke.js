// Re-lint latency while typing, through the language server: a 5,000-line PyTorch model file, 200
// small edits, each sent as textDocument/didChange to `dropout-lab server --stdio` (the bundled
// server in a child process) and timed until its textDocument/publishDiagnostics arrives.
// With --indexDirs=A,B the file sits in a workspace folder that also holds copies of those package
// folders' Python modules (torch + torchvision: 1,339 modules): the server indexes the folder in
// the background, and the edits start once it has, so they are timed with the index loaded.
const fs = require('fs');
const path = require('path');
const { main, now } = require('./common');
const { modelFile } = require('./modelFile');

/** A client connection to the server bundle in a child process (stdio), as an editor has. */
function startServer(serverBundle) {
  const { spawn } = require('child_process');
  const root = path.join(__dirname, '..', '..');
  const rpc = require(require.resolve('vscode-jsonrpc/node', { paths: [root] }));
  const child = spawn(process.execPath, [serverBundle], { stdio: ['pipe', 'pipe', 'ignore'] });
  const connection = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  const waiting = new Map();
  const published = new Map();
  const lintMs = [];
  // With logLevel debug the server logs each lint's own time: the rest of the latency is transport and scheduling.
  const logListeners = [];
  connection.onNotification('window/logMessage', (params) => {
    const m = /^Linted .* in ([\d.]+) ms$/.exec(params.message);
    if (m) lintMs.push(Number(m[1]));
    for (const listener of logListeners) listener(params.message);
  });
  connection.onNotification('textDocument/publishDiagnostics', (params) => {
    published.set(params.version, { at: now(), count: params.diagnostics.length });
    const resolve = waiting.get(params.version);
    if (resolve) {
      waiting.delete(params.version);
      resolve(published.get(params.version));
    }
  });
  connection.listen();
  /** Resolves when diagnostics for `version` are published, with the time they arrived. */
  const publishedFor = (version) => (published.has(version) ? Promise.resolve(published.get(version)) : new Promise((resolve) => waiting.set(version, resolve)));
  return { child, connection, publishedFor, lintMs, onLog: (listener) => logListeners.push(listener) };
}

/** A workspace folder with copies of the .py files of `dirs` (each under its own name) and a `bench/` folder for the model file. */
function makeWorkspace(dirs) {
  const os = require('os');
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'dropout-lab-keystroke-'));
  let modules = 0;
  const copy = (from, to) => {
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
      const source = path.join(from, entry.name);
      if (entry.isDirectory()) copy(source, path.join(to, entry.name));
      else if (entry.isFile() && entry.name.endsWith('.py')) {
        fs.mkdirSync(to, { recursive: true });
        fs.copyFileSync(source, path.join(to, entry.name));
        modules++;
      }
    }
  };
  for (const dir of dirs) copy(dir, path.join(workspace, path.basename(dir)));
  fs.mkdirSync(path.join(workspace, 'bench'));
  return { workspace, modules };
}

main(async (a) => {
  const lint = require(a.bundle);
  await lint.loadPython(path.join(__dirname, '..', '..', 'dist'));
  const lines = Number(a.lines);
  const editCount = Number(a.edits);
  let text = modelFile(lines);
  const { pathToFileURL } = require('url');
  const folder = a.indexDirs ? makeWorkspace(String(a.indexDirs).split(',')) : undefined;
  const uri = folder ? pathToFileURL(path.join(folder.workspace, 'bench', 'model.py')).href : 'file:///bench/model.py';
  const server = startServer(a.server);
  const rootUri = folder ? pathToFileURL(folder.workspace).href : null;
  const indexed = new Promise((resolve) => server.onLog((message) => {
    const m = /^Indexed .*? in (\d+) ms/.exec(message);
    if (m) resolve(Number(m[1]));
  }));
  await server.connection.sendRequest('initialize', {
    processId: process.pid, rootUri, workspaceFolders: folder ? [{ uri: rootUri, name: 'workspace' }] : null, capabilities: {},
    initializationOptions: { diagnosticMode: 'push', logLevel: 'debug' },
  });
  await server.connection.sendNotification('initialized', {});
  // The index is built in the background; the timed edits start once it is loaded.
  const indexMs = folder ? await indexed : undefined;
  await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text } });
  await server.publishedFor(1);
  // Edits: type a digit into the dropout rate of some block, then delete it again (two keystrokes),
  // cycling through the file so edits land everywhere. Each edit is sent as the editor sends it
  // (textDocument/didChange, incremental) and timed until its diagnostics are published.
  const fileLines = text.split('\n');
  const targets = [];
  fileLines.forEach((l, i) => { if (l.includes('F.dropout(h, p=0.')) targets.push(i); });
  const latencies = [];
  const parseLatencies = [];
  const parser = lint.createPythonParser();
  let parseTree = parser.parse(text);
  let lastFindings = 0;
  const budgetMs = Number(a.maxMs || 180_000);
  const started = now();
  let version = 1;
  for (let e = 0; e < editCount + 10; e++) {
    // On a machine where each re-lint takes seconds, stop at the time budget (the count is reported).
    if (e > 20 && now() - started > budgetMs) break;
    const line = targets[(e * 7) % targets.length];
    const column = fileLines[line].indexOf('p=0.') + 4;
    const insert = e % 2 === 0;
    const change = insert
      ? { range: { start: { line, character: column }, end: { line, character: column } }, text: '5' }
      : { range: { start: { line, character: column }, end: { line, character: column + 1 } }, text: '' };
    const lineText = fileLines[line];
    fileLines[line] = insert ? lineText.slice(0, column) + '5' + lineText.slice(column) : lineText.slice(0, column) + lineText.slice(column + 1);
    text = fileLines.join('\n');
    version++;
    const t0 = now();
    await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
    const done = await server.publishedFor(version);
    const ms = done.at - t0;
    // The parse alone, in this process on a separate parser (after the server answered, so the two
    // do not compete): tree.edit (UTF-16 offsets, as web-tree-sitter takes them) + incremental parse.
    const offset = fileLines.slice(0, line).reduce((sum, l) => sum + l.length + 1, 0) + column;
    const p0 = now();
    parseTree.edit({
      startIndex: offset, oldEndIndex: insert ? offset : offset + 1, newEndIndex: insert ? offset + 1 : offset,
      startPosition: { row: line, column }, oldEndPosition: { row: line, column: insert ? column : column + 1 }, newEndPosition: { row: line, column: insert ? column + 1 : column },
    });
    const reparsed = parser.parse(text, parseTree);
    const parseMs = now() - p0;
    parseTree.delete();
    parseTree = reparsed;
    if (e >= 10) { latencies.push(ms); parseLatencies.push(parseMs); } // the first ten warm up
    lastFindings = done.count;
  }
  await server.connection.sendRequest('shutdown');
  await server.connection.sendNotification('exit');
  if (folder) fs.rmSync(folder.workspace, { recursive: true, force: true });
  const pct = (list, q) => [...list].sort((x, y) => x - y)[Math.min(list.length - 1, Math.ceil(q * list.length) - 1)];
  const serverLint = server.lintMs.slice(11); // the open and the ten warm-up edits
  return { p50Ms: pct(latencies, 0.5), p95Ms: pct(latencies, 0.95), serverLintP50Ms: pct(serverLint, 0.5), serverLintP95Ms: pct(serverLint, 0.95), parseP50Ms: pct(parseLatencies, 0.5), parseP95Ms: pct(parseLatencies, 0.95), maxMs: Math.max(...latencies), fileLines: lines, edits: latencies.length, throughServer: true, findings: lastFindings, indexedModules: folder ? folder.modules : undefined, indexMs };
});

