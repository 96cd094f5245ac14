// Activation only wires features together; each feature lives in its own module. Nothing heavy
// happens here: the parser wasm loads on the first lint, the lint workers on the first workspace lint.
import * as vscode from 'vscode';
import { DropoutCodeActionProvider, SHOW_DOCUMENTATION_COMMAND } from './codeActions';
import { VisualizeModelCodeLensProvider, VISUALIZE_MODEL_COMMAND } from './codeLens';
import { DiagnosticsController } from './diagnostics';
import { DropoutHoverProvider } from './hovers';
import { LintEngine } from './lintEngine';
import { createLogger } from './log';
import { registerPanels, showNetworkPanel, type NetworkModelSpec } from './panels';
import { PyprojectConfig } from './projectConfig';
import { showRuleDocumentation, useInstalledRuleDocs } from './ruleDocs';
import { openExample } from './walkthrough';
import { WorkspaceLinter } from './workspaceLint';

/** Python files and notebook cells, in any file system (untitled, remote and virtual included). */
const PYTHON: vscode.DocumentSelector = [{ language: 'python' }];

export function activate(context: vscode.ExtensionContext): void {
  const logger = createLogger(context);
  useInstalledRuleDocs(context.extensionUri);
  const dist = vscode.Uri.joinPath(context.extensionUri, 'dist').fsPath;
  const engine = new LintEngine(dist);
  const configProblems = vscode.languages.createDiagnosticCollection('dropout-lab-config');
  const projectConfig = new PyprojectConfig(logger, configProblems);
  const diagnostics = new DiagnosticsController(engine, projectConfig, logger);
  const workspaceLinter = new WorkspaceLinter(dist, projectConfig, logger);
  const codeLenses = new VisualizeModelCodeLensProvider(engine, diagnostics, logger);

  context.subscriptions.push(
    configProblems,
    projectConfig,
    diagnostics,
    workspaceLinter,
    codeLenses,
    { dispose: () => engine.dispose() },
    vscode.languages.registerCodeActionsProvider(PYTHON, new DropoutCodeActionProvider(diagnostics, engine), {
      providedCodeActionKinds: DropoutCodeActionProvider.providedCodeActionKinds,
    }),
    vscode.languages.registerHoverProvider(PYTHON, new DropoutHoverProvider(engine, diagnostics)),
    vscode.languages.registerCodeLensProvider(PYTHON, codeLenses),
    vscode.commands.registerCommand('dropoutLab.lintWorkspace', (cancellation?: vscode.CancellationToken) => workspaceLinter.run(cancellation)),
    vscode.commands.registerCommand(SHOW_DOCUMENTATION_COMMAND, (rule?: unknown) => showRuleDocumentation(context.extensionUri, logger, rule)),
    vscode.commands.registerCommand('dropoutLab.showLogs', () => logger.show()),
    vscode.commands.registerCommand('dropoutLab.openExample', () => openExample(context.extensionUri)),
    vscode.commands.registerCommand(VISUALIZE_MODEL_COMMAND, (model?: NetworkModelSpec) => showNetworkPanel(context, model)),
  );
  registerPanels(context);
  diagnostics.relintAll();
  logger.info(`Dropout Lab ${String(context.extension.packageJSON.version)} activated (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'in Restricted Mode'}).`);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
