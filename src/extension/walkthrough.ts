// The Getting Started walkthrough's "Open an example" step: the example model opens as an untitled
// Python document (nothing is written to the user's workspace) and shows two findings at once.
import * as vscode from 'vscode';

export async function openExample(extensionUri: vscode.Uri): Promise<vscode.TextEditor> {
  const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, 'media', 'walkthrough', 'example.py'));
  const document = await vscode.workspace.openTextDocument({ language: 'python', content: new TextDecoder('utf-8').decode(bytes) });
  return vscode.window.showTextDocument(document);
}
