// Activation only wires features together; each feature lives in its own module.
import * as vscode from 'vscode';
import { registerDiagnostics } from './diagnostics';

export function activate(context: vscode.ExtensionContext): void {
  registerDiagnostics(context);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
