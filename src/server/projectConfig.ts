// `[tool.dropout-lab]` from the nearest pyproject.toml above a document, up to its workspace folder
// (or the file system root outside any folder), validated by the core (src/lint/config.ts). Parsed
// files are cached until the client reports a change (workspace/didChangeWatchedFiles, or a save).
// A broken one is reported as an error diagnostic on pyproject.toml itself and the document is
// linted without it: never a crash. Only `file:` documents have a project configuration.
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import { ConfigError, layerFromPyprojectText, type ConfigLayer } from '../lint/config';

/** What one pyproject.toml gave: a layer, nothing of ours, or an error at a 0-based line. */
export type LoadedConfig = { layer: ConfigLayer } | { error: string; line: number } | undefined;

export interface ConfigProblem {
  /** The pyproject.toml's URI. */
  uri: string;
  /** Undefined when the file is fine again (its problem is to be cleared). */
  problem?: { message: string; line: number };
}

export function filePathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** The 0-based line a ConfigError points at: the TOML error's line, else the key's line. */
export function configErrorLine(error: ConfigError, text: string): number {
  const lines = text.split(/\r?\n/);
  const toml = /not valid TOML at line (\d+)/.exec(error.message);
  if (toml) return Math.max(0, Number(toml[1]) - 1);
  const parts = (error.key ?? '').replace(/^tool\.dropout-lab\.?/, '').split('.').filter(Boolean);
  for (let i = parts.length - 1; i >= 0; i--) {
    const name = parts[i].replace(/^"|"$/g, '');
    const at = lines.findIndex((line) => {
      const trimmed = line.trim();
      const key = trimmed.split('=')[0].trim().replace(/^["']|["']$/g, '');
      return (trimmed.includes('=') && key === name) || (trimmed.startsWith('[') && trimmed.replace(/[[\]\s"']/g, '').endsWith(name));
    });
    if (at >= 0) return at;
  }
  return Math.max(0, lines.findIndex((line) => /^\s*\[\s*tool\s*\.\s*["']?dropout-lab/.test(line)));
}

export class ProjectConfigs {
  private readonly cache = new Map<string, LoadedConfig>();
  /** Folders of the workspace (file system paths), for where the upward search stops. */
  private folders: string[] = [];

  constructor(private readonly onProblem: (problem: ConfigProblem) => void) {}

  setWorkspaceFolders(uris: readonly string[]): void {
    this.folders = uris.map(filePathOf).filter((p): p is string => !!p).map((p) => path.resolve(p));
  }

  /** Forgets cached files (all, or one pyproject.toml by URI); returns whether anything was known. */
  invalidate(uri?: string): void {
    if (uri === undefined) {
      this.cache.clear();
      return;
    }
    const file = filePathOf(uri);
    if (file) this.cache.delete(path.resolve(file));
  }

  /** The nearest pyproject.toml's layer for a document (by URI), if any. */
  layerFor(documentUri: string): ConfigLayer | undefined {
    const file = filePathOf(documentUri);
    if (!file) return undefined;
    for (const candidate of this.candidates(path.resolve(file))) {
      const loaded = this.load(candidate);
      if (loaded && 'layer' in loaded) return loaded.layer;
      if (loaded) return undefined; // the nearest config is broken: lint with defaults (the error is shown on it)
    }
    return undefined;
  }

  private candidates(file: string): string[] {
    const folder = this.folders.filter((f) => file.startsWith(f + path.sep)).sort((a, b) => b.length - a.length)[0];
    const result: string[] = [];
    let dir = path.dirname(file);
    for (let depth = 0; depth < 64; depth++) {
      result.push(path.join(dir, 'pyproject.toml'));
      const parent = path.dirname(dir);
      if (dir === folder || parent === dir) break;
      dir = parent;
    }
    return result;
  }

  private load(file: string): LoadedConfig {
    if (this.cache.has(file)) return this.cache.get(file);
    const loaded = this.read(file);
    this.cache.set(file, loaded);
    return loaded;
  }

  private read(file: string): LoadedConfig {
    const uri = pathToFileURL(file).toString();
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      this.onProblem({ uri });
      return undefined; // no pyproject.toml at this level
    }
    try {
      const layer = layerFromPyprojectText(text, file, path.dirname(file));
      this.onProblem({ uri });
      return layer && { layer };
    } catch (error) {
      const message = error instanceof ConfigError ? error.message.replace(`${file}: `, '') : String(error);
      const line = error instanceof ConfigError ? configErrorLine(error, text) : 0;
      this.onProblem({ uri, problem: { message, line } });
      return { error: message, line };
    }
  }
}
