// Parsed programs for hovers, code lenses and `# noqa` edits, which need tree-sitter's own nodes
// (positions, descendantForPosition). One tree per lint target, kept while its text is unchanged
// and deleted (wasm memory is not garbage collected) when the text changes or the target closes.
import { createPythonParser, type Tree, type TreeSitterNode } from '../lint/parser';
import { DEFAULT_PARSE_TIMEOUT_MS, parseWithTimeout } from '../lint/linter';
import { joinCells, type NotebookSource } from '../lint/notebook';
import { collectImports, collectModuleConstants, type ImportTable } from '../lint/resolve';
import type { LintTarget } from './documents';

export interface Analysis {
  tree: Tree;
  root: TreeSitterNode;
  source: string;
  imports: ImportTable;
  constants: ReadonlyMap<string, number>;
  /** For a notebook: where each code cell sits in `source` (cell = notebook cell index). */
  notebook?: NotebookSource;
}

/** Targets whose trees are kept (hover and code lens requests come for the visible documents). */
const CAPACITY = 8;

export class AnalysisCache {
  private parser: ReturnType<typeof createPythonParser> | undefined;
  private readonly entries = new Map<string, Analysis>();

  /** The analysis of a target's current text; undefined when parsing timed out. Call after the parser loaded. */
  analyze(target: LintTarget): Analysis | undefined {
    const notebook = target.kind === 'notebook' ? joinCells(target.coreCells) : undefined;
    const source = notebook ? notebook.source : target.kind === 'text' ? target.document.getText() : '';
    const cached = this.entries.get(target.key);
    if (cached && cached.source === source) {
      this.entries.delete(target.key);
      this.entries.set(target.key, cached);
      return cached;
    }
    this.forget(target.key);
    this.parser ??= createPythonParser();
    const tree = parseWithTimeout(this.parser, source, DEFAULT_PARSE_TIMEOUT_MS);
    if (!tree) return undefined;
    const root = tree.rootNode;
    const analysis: Analysis = { tree, root, source, imports: collectImports(root), constants: collectModuleConstants(root), notebook };
    this.entries.set(target.key, analysis);
    while (this.entries.size > CAPACITY) this.forget(this.entries.keys().next().value as string);
    return analysis;
  }

  /** A one-off parse of some text (a single cell for `# noqa` edits); `use` must not keep the tree. */
  withTree<T>(text: string, use: (tree: Tree) => T): T | undefined {
    this.parser ??= createPythonParser();
    const tree = parseWithTimeout(this.parser, text, DEFAULT_PARSE_TIMEOUT_MS);
    if (!tree) return undefined;
    try {
      return use(tree);
    } finally {
      tree.delete();
    }
  }

  forget(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    entry.tree.delete();
  }

  dispose(): void {
    for (const key of [...this.entries.keys()]) this.forget(key);
    this.parser?.delete();
    this.parser = undefined;
  }
}

/** The lines of the analysed source that belong to notebook cell `index` ([start, end)); all lines for a file. */
export function cellLines(analysis: Analysis, index: number | undefined): { start: number; end: number } {
  if (!analysis.notebook || index === undefined) return { start: 0, end: Number.MAX_SAFE_INTEGER };
  const span = analysis.notebook.cells.find((s) => s.cell === index);
  return span ? { start: span.startLine, end: span.startLine + span.lineCount } : { start: 0, end: 0 };
}
