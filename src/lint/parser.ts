// Loads web-tree-sitter and the Python grammar (both wasm) once per process. The wasm files sit
// next to the bundle in dist/; from the unbundled test build they come from node_modules.
import * as fs from 'fs';
import * as path from 'path';
import { Language, Parser } from 'web-tree-sitter';

export type { Node as TreeSitterNode, Point, Tree } from 'web-tree-sitter';
import { useDirectCursor } from './snapshot';
export { snapshotTree, type SyntaxNode } from './snapshot';

let python: Language | undefined;
let loading: Promise<Language> | undefined;

function wasmCandidates(file: string, wasmDir?: string): string[] {
  const dirs = [wasmDir, __dirname, path.join(__dirname, '..', 'dist'), path.join(__dirname, '..', '..', '..', 'dist')];
  const found = dirs.filter((d): d is string => !!d).map((d) => path.join(d, file));
  try {
    found.push(file === 'tree-sitter.wasm'
      ? path.join(path.dirname(require.resolve('web-tree-sitter')), file)
      : require.resolve(`tree-sitter-python/${file}`));
  } catch {
    // Not installed next to us (the packaged extension): dist/ must have it.
  }
  return found;
}

function locate(file: string, wasmDir?: string): string {
  const hit = wasmCandidates(file, wasmDir).find((p) => fs.existsSync(p));
  if (!hit) throw new Error(`Dropout Lab: cannot find ${file} (looked next to the bundle and in node_modules)`);
  return hit;
}

/** Initialises the parser runtime and grammar; safe to call many times. */
export function loadPython(wasmDir?: string): Promise<Language> {
  if (python) return Promise.resolve(python);
  loading ??= (async () => {
    const runtime = locate('tree-sitter.wasm', wasmDir);
    // Emscripten builds the module on the options object it is given: keep it, so the snapshot can
    // walk trees through the module's cursor functions directly (see useDirectCursor).
    const options = { locateFile: () => runtime };
    await Parser.init(options);
    useDirectCursor(options);
    python = await Language.load(fs.readFileSync(locate('tree-sitter-python.wasm', wasmDir)));
    return python;
  })();
  loading.catch(() => { loading = undefined; });
  return loading;
}

export function isPythonLoaded(): boolean {
  return python !== undefined;
}

/** A new parser for Python. Call `loadPython()` first. */
export function createPythonParser(): Parser {
  if (!python) throw new Error('Dropout Lab: loadPython() must finish before parsing');
  const parser = new Parser();
  parser.setLanguage(python);
  return parser;
}
