// The Dropout Lab language server over the lint core. `startServer(connection, options)` runs it
// on any connection: `dropout-lab server --stdio` (src/server/stdio.ts) and the VS Code
// extension's worker thread (a MessagePort) both call it. No `vscode` import anywhere in
// src/server, and nothing here assumes stdio.
//
// initializationOptions (all optional):
//   diagnosticMode: 'push' | 'pull'   default: 'pull' when the client declares textDocument.diagnostic, else 'push'
//   clientCommands: boolean           the client runs dropoutLab.showRuleDocumentation and
//                                     dropoutLab.visualizeModel itself (VS Code); enables code lenses
//   settings: { ...dropoutLab.* }     settings for clients without workspace/configuration
//   logLevel: 'off'|'error'|'warn'|'info'|'debug'|'trace'   window/logMessage verbosity (default info;
//                                     debug logs every lint with its time)
//   lintDelayMs: number               quiet time before a lint after an edit (default 0: lint as soon
//                                     as the server is idle; edits during a lint merge into one)
import { CodeActionKind, TextDocumentSyncKind, type Connection, type InitializeResult } from 'vscode-languageserver';
import { version } from '../../package.json';
import { LOG_LEVELS, ServerContext, type DiagnosticMode, type LogLevel } from './context';
import { FIX_ALL_KIND, registerCodeActionHandlers } from './handlers/codeActions';
import { describeServerHeap } from './heap';
import { registerCodeLensHandlers } from './handlers/codeLens';
import { registerConfigurationHandlers, registerDynamicCapabilities } from './handlers/configuration';
import { registerDiagnosticHandlers } from './handlers/diagnostics';
import { registerExecuteCommandHandlers, SERVER_COMMANDS } from './handlers/executeCommand';
import { registerHoverHandlers } from './handlers/hover';
import { registerNotebookHandlers } from './handlers/notebook';
import { registerTextDocumentHandlers } from './handlers/textDocuments';

export interface ServerOptions {
  /** Folder with tree-sitter.wasm, tree-sitter-python.wasm and docs/rules (the bundle's dist/). */
  wasmDir?: string;
  /** Default for initializationOptions.lintDelayMs. */
  lintDelayMs?: number;
  /** Called when the client sends `shutdown` (the stdio entry exits 0 afterwards). */
  onShutdown?: () => void;
  /**
   * Element 0 is incremented when a lint starts and again when it ends (odd while one runs). Shared
   * memory, so the editor's thread can see whether its code runs while the server lints.
   */
  lintActivity?: Int32Array;
}

export interface InitializationOptions {
  diagnosticMode?: DiagnosticMode;
  clientCommands?: boolean;
  settings?: unknown;
  lintDelayMs?: number;
  logLevel?: LogLevel;
}

export const SERVER_NAME = 'dropout-lab';

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const ctx = new ServerContext(connection, options);

  connection.onInitialize(async (params): Promise<InitializeResult> => {
    const init = (typeof params.initializationOptions === 'object' && params.initializationOptions !== null ? params.initializationOptions : {}) as InitializationOptions;
    const capabilities = params.capabilities ?? {};
    const mode: DiagnosticMode = init.diagnosticMode === 'push' || init.diagnosticMode === 'pull'
      ? init.diagnosticMode
      : capabilities.textDocument?.diagnostic ? 'pull' : 'push';
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    const logLevel = LOG_LEVELS.includes(init.logLevel as LogLevel) ? init.logLevel as LogLevel : 'info';
    ctx.client = { capabilities, diagnosticMode: mode, clientCommands: init.clientCommands === true, initialSettings: init.settings, workspaceFolders: folders, logLevel };
    ctx.configs.setWorkspaceFolders(folders);
    if (typeof init.lintDelayMs === 'number' && init.lintDelayMs >= 0) ctx.scheduler.delayMs = init.lintDelayMs;
    // The parser loads now, so the first lint does not wait for it.
    await ctx.load();
    return {
      capabilities: {
        positionEncoding: 'utf-16',
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        notebookDocumentSync: { notebookSelector: [{ notebook: '*', cells: [{ language: 'python' }] }] },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        codeLensProvider: ctx.client.clientCommands ? { resolveProvider: false } : undefined,
        executeCommandProvider: ctx.client.clientCommands ? undefined : { commands: SERVER_COMMANDS },
        diagnosticProvider: mode === 'pull' ? { identifier: SERVER_NAME, interFileDependencies: false, workspaceDiagnostics: false } : undefined,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: SERVER_NAME, version },
    };
  });
  connection.onInitialized(() => {
    ctx.log('info', `Dropout Lab server ${version} (pid ${process.pid}, ${describeServerHeap()})`);
    registerDynamicCapabilities(ctx);
    // The workspace folders' modules go into the project index in the background.
    ctx.indexWorkspaceFolders();
  });
  connection.onShutdown(() => {
    ctx.dispose();
    options.onShutdown?.();
  });

  ctx.store.listen(connection);
  registerTextDocumentHandlers(ctx);
  registerNotebookHandlers(ctx);
  registerDiagnosticHandlers(ctx);
  registerCodeActionHandlers(ctx);
  registerHoverHandlers(ctx);
  registerCodeLensHandlers(ctx);
  registerConfigurationHandlers(ctx);
  registerExecuteCommandHandlers(ctx);
  connection.listen();
}
