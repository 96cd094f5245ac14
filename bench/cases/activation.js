// Extension activation time outside VS Code: require dist/extension.js with a stand-in `vscode`
// module (every API is a no-op that returns another stand-in or a disposable) and await activate().
// It measures our own start-up work (module evaluation + activate), not VS Code's extension host.
const Module = require('module');
const path = require('path');
const { main, now } = require('./common');

function fake(name) {
  const fn = function () { return undefined; };
  return new Proxy(fn, {
    get(target, prop) {
      if (prop === 'then') return undefined; // not a promise
      if (prop === Symbol.iterator) return function* () { /* empty */ };
      if (prop === Symbol.toPrimitive) return () => 0;
      if (prop === 'dispose') return () => undefined;
      if (prop === 'length' || prop === 'size') return 0;
      if (typeof prop === 'symbol') return undefined;
      if (!(prop in target)) target[prop] = fake(`${name}.${String(prop)}`);
      return target[prop];
    },
    apply() { return fake(`${name}()`); },
    construct() { return fake(`new ${name}`); },
  });
}

main(async (a) => {
  // esbuild's interop copies the module's own keys, so the namespaces the bundle uses
  // (`vscode.languages`, `vscode.DiagnosticSeverity`, ...) must exist up front.
  const source = require('fs').readFileSync(path.resolve(a.extension), 'utf8');
  const vscode = {};
  for (const m of source.matchAll(/\bvscode\d*\.([A-Za-z_$][\w$]*)/g)) vscode[m[1]] ??= fake(`vscode.${m[1]}`);
  // The minified bundle renames its import, so also provide the usual API surface by name.
  const common = ['window', 'workspace', 'languages', 'commands', 'notebooks', 'env', 'extensions', 'l10n', 'tasks', 'debug', 'tests',
    'Uri', 'Range', 'Position', 'Selection', 'Location', 'Diagnostic', 'DiagnosticSeverity', 'DiagnosticRelatedInformation', 'DiagnosticTag',
    'CodeAction', 'CodeActionKind', 'CodeLens', 'WorkspaceEdit', 'TextEdit', 'Hover', 'MarkdownString', 'EventEmitter', 'Disposable',
    'ViewColumn', 'StatusBarAlignment', 'ThemeColor', 'ThemeIcon', 'ProgressLocation', 'ConfigurationTarget', 'TreeItem',
    'TreeItemCollapsibleState', 'RelativePattern', 'FileType', 'NotebookCellKind', 'CancellationTokenSource', 'SnippetString',
    'LanguageStatusSeverity', 'EndOfLine', 'UIKind', 'ExtensionMode', 'ColorThemeKind', 'OverviewRulerLane', 'DecorationRangeBehavior',
    'TextEditorRevealType', 'CodeActionTriggerKind', 'FileSystemError', 'NotebookCellData', 'NotebookRange'];
  for (const key of common) vscode[key] ??= fake(`vscode.${key}`);
  vscode.version = '1.100.0';
  const originalLoad = Module._load;
  Module._load = function (request, ...rest) {
    if (request === 'vscode') return vscode;
    return originalLoad.call(this, request, ...rest);
  };
  const extensionPath = path.resolve(a.extension);
  const extensionRoot = path.dirname(path.dirname(extensionPath));
  const uri = (fsPath) => ({ fsPath, path: fsPath, scheme: 'file', toString: () => `file://${fsPath}`, with: () => uri(fsPath) });
  const context = {
    subscriptions: [],
    extensionPath: extensionRoot,
    extensionUri: uri(extensionRoot),
    globalState: { get: () => undefined, update: async () => undefined, keys: () => [] },
    workspaceState: { get: () => undefined, update: async () => undefined, keys: () => [] },
    storageUri: undefined,
    globalStorageUri: uri(path.join(require('os').tmpdir(), 'dropout-lab-bench-storage')),
    logUri: uri(path.join(require('os').tmpdir(), 'dropout-lab-bench-log')),
    asAbsolutePath: (p) => path.join(extensionRoot, p),
    extensionMode: 1,
    extension: { id: 'dropout-lab.dropout-lab', extensionUri: uri(extensionRoot), extensionPath: extensionRoot, packageJSON: require(path.join(extensionRoot, 'package.json')), isActive: true },
    environmentVariableCollection: fake('environmentVariableCollection'),
    secrets: fake('secrets'),
  };
  const t0 = now();
  const extension = require(extensionPath);
  const loadedMs = now() - t0;
  await extension.activate(context);
  const totalMs = now() - t0;
  for (const d of context.subscriptions) { try { d.dispose(); } catch { /* stand-in */ } }
  return { activationMs: totalMs, requireMs: loadedMs, subscriptions: context.subscriptions.length, method: 'fake vscode module in Node' };
});
