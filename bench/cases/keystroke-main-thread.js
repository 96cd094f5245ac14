// keystroke.mainThreadP95Ms: the extension host's main-thread time per edit of the 5,000-line file,
// with the linter where the extension runs it: the language server (dist/lintServerWorker.js) in a
// worker thread, spoken to over the worker's message port. Per edit the main thread converts the
// change to LSP (vscode-languageclient's own code converter), sends didChange, receives the
// published diagnostics and converts them to VS Code diagnostics (the client's protocol converter)
// into a collection. `vscode` is a stand-in module (as in the activation case), with small real
// classes for the types those converters build.
//
// Measured as the main thread's own CPU time over each edit's window (send → its diagnostics
// applied), from Linux's per-thread counter (/proc/self/task/<pid>/schedstat, nanoseconds): what
// the main thread spent, whatever on (message transfer, JSON-RPC dispatch, conversion), and neither
// the time it waited for the worker nor time other processes took from it on a busy machine.
// Elsewhere the main thread's event-loop utilization stands in (busy wall time: noisier under load).
const fs = require('fs');
const Module = require('module');
const path = require('path');
const { performance } = require('perf_hooks');
const { Worker } = require('worker_threads');
const { main } = require('./common');
const { modelFile } = require('./modelFile');

const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;
/** The main thread's CPU time in ms (the main thread's task id is the process id), or undefined off Linux. */
let schedstat;
const schedstatBuffer = Buffer.alloc(128);
function mainThreadCpuMs() {
  try {
    schedstat ??= fs.openSync(SCHEDSTAT, 'r');
    const length = fs.readSync(schedstat, schedstatBuffer, 0, schedstatBuffer.length, 0);
    return Number(schedstatBuffer.toString('latin1', 0, length).split(' ')[0]) / 1e6;
  } catch {
    return undefined;
  }
}

class Position {
  constructor(line, character) { this.line = line; this.character = character; }
}
class Range {
  constructor(a, b, c, d) {
    if (typeof a === 'number') { this.start = new Position(a, b); this.end = new Position(c, d); } else { this.start = a; this.end = b; }
  }
}
class Location {
  constructor(uri, range) { this.uri = uri; this.range = range; }
}
class Diagnostic {
  constructor(range, message, severity) { this.range = range; this.message = message; this.severity = severity; }
}
class DiagnosticRelatedInformation {
  constructor(location, message) { this.location = location; this.message = message; }
}
class Uri {
  constructor(value) { this.value = value; this.scheme = value.slice(0, value.indexOf(':')); this.fsPath = decodeURIComponent(value.replace(/^file:\/\//, '')); }
  static parse(value) { return new Uri(value); }
  static file(fsPath) { return new Uri(`file://${fsPath}`); }
  toString() { return this.value; }
}

/** Structural equality of JSON values (the same check as sameJson in src/extension/lintClient.ts). */
function sameJson(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => k in b && sameJson(a[k], b[k]));
}

/** Any other API: a callable, constructible no-op whose members are no-ops too. */
function fake() {
  const fn = function () { return undefined; };
  return new Proxy(fn, {
    get(target, prop) {
      if (prop === 'prototype') return target.prototype;
      if (typeof prop === 'symbol' || prop === 'then') return undefined;
      if (!(prop in target)) target[prop] = fake();
      return target[prop];
    },
    apply() { return undefined; },
  });
}

function standInVscode() {
  const real = {
    Position, Range, Location, Diagnostic, DiagnosticRelatedInformation, Uri,
    DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
    DiagnosticTag: { Unnecessary: 1, Deprecated: 2 },
    version: '1.100.0',
  };
  return new Proxy(real, {
    get(target, prop) {
      if (typeof prop === 'symbol' || prop === 'then') return undefined;
      if (!(prop in target)) target[prop] = fake();
      return target[prop];
    },
  });
}

main(async (a) => {
  const vscode = standInVscode();
  const originalLoad = Module._load;
  Module._load = function (request, ...rest) {
    return request === 'vscode' ? vscode : originalLoad.call(this, request, ...rest);
  };
  const { createConverter: codeConverter } = require('vscode-languageclient/lib/common/codeConverter');
  const { createConverter: protocolConverter } = require('vscode-languageclient/lib/common/protocolConverter');
  const rpc = require('vscode-jsonrpc/node');
  const c2p = codeConverter((uri) => uri.toString());
  const p2c = protocolConverter((value) => Uri.parse(value), true, true, true);

  const dist = path.resolve(a.dist);
  // The extension's worker options (src/extension/lintClient.ts: LINT_YOUNG_GENERATION_MB in src/lint/heapSize.ts).
  const worker = new Worker(path.join(dist, 'lintServerWorker.js'), { workerData: { wasmDir: dist }, resourceLimits: { maxYoungGenerationSizeMb: 192 } });
  const connection = rpc.createMessageConnection(new rpc.PortMessageReader(worker), new rpc.PortMessageWriter(worker));
  const collection = new Map();
  const waiting = new Map();
  connection.onRequest('workspace/configuration', (params) => params.items.map(() => ({})));
  connection.onRequest(() => null);
  connection.onNotification(() => undefined);
  // As src/extension/lintClient.ts (DiagnosticsApplier) does: an unchanged set is not applied again;
  // otherwise the unchanged runs at both ends keep their converted objects.
  const applied = new Map();
  connection.onNotification('textDocument/publishDiagnostics', async (params) => {
    const before = applied.get(params.uri);
    const published = params.diagnostics;
    const old = before ? before.published : [];
    const shorter = Math.min(published.length, old.length);
    let prefix = 0;
    while (prefix < shorter && sameJson(published[prefix], old[prefix])) prefix++;
    if (!(before && prefix === published.length && published.length === old.length)) {
      let suffix = 0;
      while (suffix < shorter - prefix && sameJson(published[published.length - 1 - suffix], old[old.length - 1 - suffix])) suffix++;
      const fresh = await p2c.asDiagnostics(published.slice(prefix, published.length - suffix));
      const kept = before ? before.converted : [];
      const converted = [...kept.slice(0, prefix), ...fresh, ...kept.slice(kept.length - suffix)];
      applied.set(params.uri, { published, converted });
      collection.set(params.uri, converted);
    }
    // Servers that do not say which version they linted: the publish answers the newest edit.
    const version = params.version ?? Math.max(...waiting.keys());
    const done = waiting.get(version);
    if (done) { waiting.delete(version); done(collection.get(params.uri)); }
  });
  connection.listen();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities: {
      textDocument: { synchronization: { didSave: true }, publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true } },
      workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false } },
    },
    initializationOptions: { clientCommands: true },
  });
  await connection.sendNotification('initialized', {});

  const lines = Number(a.lines);
  let text = modelFile(lines);
  const fileLines = text.split('\n');
  const uri = Uri.parse('file:///bench/model.py');
  const document = { uri, languageId: 'python', version: 1, getText: () => text };
  const firstLint = new Promise((resolve) => waiting.set(1, resolve));
  await connection.sendNotification('textDocument/didOpen', c2p.asOpenTextDocumentParams(document));
  await firstLint;

  const targets = [];
  fileLines.forEach((l, i) => { if (l.includes('F.dropout(h, p=0.')) targets.push(i); });
  const editCount = Number(a.edits);
  const mainThreadMs = [];
  const busyMs = [];
  const roundTripMs = [];
  for (let e = 0; e < editCount + 5; e++) {
    // Type a digit into a dropout rate, then delete it (two keystrokes), all over the file.
    const line = targets[(e * 7) % targets.length];
    const column = fileLines[line].indexOf('p=0.') + 4;
    const insert = e % 2 === 0;
    const range = insert ? new Range(line, column, line, column) : new Range(line, column, line, column + 1);
    const offset = fileLines.slice(0, line).reduce((sum, l) => sum + l.length + 1, 0) + column;
    const lineText = fileLines[line];
    fileLines[line] = insert ? lineText.slice(0, column) + '5' + lineText.slice(column) : lineText.slice(0, column) + lineText.slice(column + 1);
    text = fileLines.join('\n');
    document.version++;
    const event = { document, reason: undefined, contentChanges: [{ range, rangeOffset: offset, rangeLength: insert ? 0 : 1, text: insert ? '5' : '' }] };
    const applied = new Promise((resolve) => waiting.set(document.version, resolve));
    const before = performance.eventLoopUtilization();
    const cpuBefore = mainThreadCpuMs();
    const started = performance.now();
    await connection.sendNotification('textDocument/didChange', c2p.asChangeTextDocumentParams(event, uri, document.version));
    await applied;
    const cpuAfter = mainThreadCpuMs();
    const busy = performance.eventLoopUtilization(before);
    if (e >= 5) { // the first five warm up
      mainThreadMs.push(cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : busy.active);
      busyMs.push(busy.active);
      roundTripMs.push(performance.now() - started);
    }
  }
  await connection.sendRequest('shutdown');
  await connection.sendNotification('exit');
  connection.dispose();
  await worker.terminate();
  const pct = (list, q) => [...list].sort((x, y) => x - y)[Math.min(list.length - 1, Math.ceil(q * list.length) - 1)];
  return {
    p50Ms: pct(mainThreadMs, 0.5), p95Ms: pct(mainThreadMs, 0.95), maxMs: Math.max(...mainThreadMs),
    busyP95Ms: pct(busyMs, 0.95), roundTripP50Ms: pct(roundTripMs, 0.5), roundTripP95Ms: pct(roundTripMs, 0.95), edits: mainThreadMs.length, fileLines: lines,
    method: `${mainThreadCpuMs() !== undefined ? 'main-thread CPU time (schedstat)' : 'main-thread event-loop busy time'} per edit; server in a worker thread over its message port; vscode-languageclient converters with a stand-in vscode module`,
  };
});
