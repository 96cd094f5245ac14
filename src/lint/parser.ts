// Loads web-tree-sitter and the Python grammar (both wasm) once per process. The wasm files sit
// next to the bundle in dist/; from the unbundled test build they come from node_modules.
import * as fs from 'fs';
import * as path from 'path';
import { Language, Parser } from 'web-tree-sitter';

export type { Node as TreeSitterNode, Point, Tree } from 'web-tree-sitter';
import { useDirectCursor, verifyMemoryWalk } from './snapshot';
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
    const language = await Language.load(fs.readFileSync(locate('tree-sitter-python.wasm', wasmDir)));
    checkMemoryWalk(language);
    python = language;
    return python;
  })();
  loading.catch(() => { loading = undefined; });
  return loading;
}

/**
 * Python that reaches every way the grammar shapes a tree: fields (also through hidden rules),
 * aliases, extras (comments, line continuations), ERROR and MISSING nodes, zero-width nodes,
 * non-ASCII text and CRLF line ends.
 */
const PROBE_SOURCE = [
  '# -*- coding: utf-8 -*-\r\nimport torch.nn as nn, os\r\nfrom . import (a as b, c)\r\n',
  '@decorator(x=1)\nclass Net(nn.Module, metaclass=M):\n    """doc \u00e9\u{1F600}"""\n    def forward(self, x: int = 0, *args, y, **kw) -> "T":\n',
  '        h = self.drop(x) if x is not None else -x ** 2 // 3 @ m\n        h[1:2, ...], *rest = [v async for v in w if v], {k: v for k, v in z}\n',
  '        return f"{h!r:>{10}} {{}}" + rb\'\\x00\' \\\n            + u"x"  # comment\n',
  'match p:\n    case [1, *others] | {"k": _, **kw} if others:\n        pass\n    case Point(x=0) as q:\n        print >> sys.stderr, q\n',
  'lambda a, /, b=2: (yield)\nglobal g; nonlocal n; del x[0]; assert a, "m"\ntry:\n    raise E from e\nexcept* (A, B) as err:\n    ...\nfinally:\n    exec "code"\n',
  'with (open(f) as a, b):\n  while True: break\nelse: continue\ntype Alias[T] = list[T]\n',
  'def broken(:\n  x = (1,\nclass A(:\n  if b\n    y = ]\n',
].join('');

/** Lets snapshots read trees from wasm memory when that gives exactly the cursor walk's nodes (see verifyMemoryWalk). */
function checkMemoryWalk(language: Language): void {
  const parser = new Parser();
  try {
    parser.setLanguage(language);
    const tree = parser.parse(PROBE_SOURCE);
    if (!tree) return;
    try {
      verifyMemoryWalk(tree, PROBE_SOURCE);
    } finally {
      tree.delete();
    }
  } finally {
    parser.delete();
  }
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
