// Activation only wires features together; each feature lives in its own module. Nothing heavy
// happens here: the linter is a language server in a worker thread (lintClient.ts) that loads the
// parser there; the lint workers of "Lint Workspace" start on its first run.
import * as vscode from 'vscode';
import { LintClient, type DropoutLabApi } from './lintClient';
import { createLogger } from './log';
import { registerPanels, showNetworkPanel, type NetworkModelSpec } from './panels';
import { PyprojectConfig } from './projectConfig';
import { showRuleDocumentation, useInstalledRuleDocs } from './ruleDocs';
import { openExample } from './walkthrough';
import { WorkspaceLinter } from './workspaceLint';

/** Code actions name it to open a rule's page ("Show documentation for DRPnnn"). */
export const SHOW_DOCUMENTATION_COMMAND = 'dropoutLab.showRuleDocumentation';
/** The "Visualize dropout" code lens runs it with the model's NetworkModelSpec. */
export const VISUALIZE_MODEL_COMMAND = 'dropoutLab.visualizeModel';

let lintClient: LintClient | undefined;

export function activate(context: vscode.ExtensionContext): DropoutLabApi {
  const logger = createLogger(context);
  useInstalledRuleDocs(context.extensionUri);
  const dist = vscode.Uri.joinPath(context.extensionUri, 'dist').fsPath;
  const configProblems = vscode.languages.createDiagnosticCollection('dropout-lab-config');
  const projectConfig = new PyprojectConfig(logger, configProblems);
  const workspaceLinter = new WorkspaceLinter(dist, projectConfig, logger);
  const client = new LintClient(dist, logger, logger.channel);
  lintClient = client;

  context.subscriptions.push(
    configProblems,
    projectConfig,
    workspaceLinter,
    { dispose: () => void client.dispose() },
    vscode.commands.registerCommand('dropoutLab.lintWorkspace', (cancellation?: vscode.CancellationToken) => workspaceLinter.run(cancellation)),
    vscode.commands.registerCommand(SHOW_DOCUMENTATION_COMMAND, (rule?: unknown) => showRuleDocumentation(context.extensionUri, logger, rule)),
    vscode.commands.registerCommand('dropoutLab.showLogs', () => logger.show()),
    vscode.commands.registerCommand('dropoutLab.openExample', () => openExample(context.extensionUri)),
    vscode.commands.registerCommand(VISUALIZE_MODEL_COMMAND, (model?: NetworkModelSpec) => showNetworkPanel(context, model)),
  );
  registerPanels(context);
  // Not awaited: activation returns at once; documents opened meanwhile are synced once it runs.
  void client.start();
  logger.info(`Dropout Lab ${String(context.extension.packageJSON.version)} activated (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'in Restricted Mode'}).`);
  return { lintActivity: () => client.lintActivity() };
}

export async function deactivate(): Promise<void> {
  // Shut the language server down (and end its thread) before the extension host goes.
  await lintClient?.dispose();
  lintClient = undefined;
}
