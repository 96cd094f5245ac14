// Saves panel exports (CSV, PNG) where the user picks, through vscode.workspace.fs so remote and
// virtual workspaces work too.
import * as vscode from 'vscode';

export async function saveExport(options: {
  defaultName: string;
  filters: Record<string, string[]>;
  contents: Uint8Array;
}): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, options.defaultName) : undefined,
    filters: options.filters,
    saveLabel: 'Export',
  });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, options.contents);
  return target;
}

/** Decodes a validated `data:image/png;base64,...` URL. */
export function pngFromDataUrl(dataUrl: string): Uint8Array {
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
}
