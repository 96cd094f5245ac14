// The extension's one door into the linter core: loads the parser wasm on first use (not at
// activation), lints documents through the core's IncrementalLinter (each document keeps its tree
// and is reparsed incrementally), lints notebooks as one program with cross-cell context, and
// hands out parse trees for hovers, code lenses and `# noqa` edits. VS Code-free.
import { createPythonParser, loadPython, type LintOptions } from '../lint';
import { IncrementalLinter } from '../lint/incremental';
import { DEFAULT_PARSE_TIMEOUT_MS, parseWithTimeout, sizeLimitNotice, type LintResult } from '../lint/linter';
import { joinCells, mapFindingsToCells, type NotebookCell, type NotebookSource } from '../lint/notebook';
import type { TreeSitterNode, Tree } from '../lint/parser';
import { collectImports, collectModuleConstants, type ImportTable } from '../lint/resolve';

export type { LintResult, NotebookCell };

/** A parsed program for hovers, code lenses and edits. */
export interface Analysis {
  tree: Tree;
  // The real tree-sitter node: hovers need its descendantForPosition.
  root: TreeSitterNode;
  source: string;
  imports: ImportTable;
  constants: ReadonlyMap<string, number>;
  /** For a notebook: where each code cell sits in `source` (cell = index among all cells). */
  notebook?: NotebookSource;
}

/** Documents whose trees stay cached (open editors plus a few recently closed). */
const TREE_CACHE_CAPACITY = 32;

export class LintEngine {
  private loading: Promise<void> | undefined;
  private linter: IncrementalLinter | undefined;
  private parser: ReturnType<typeof createPythonParser> | undefined;

  constructor(private readonly wasmDir: string) {}

  /** Loads the parser on first use; later calls resolve at once. */
  ready(): Promise<void> {
    this.loading ??= loadPython(this.wasmDir).then(() => undefined);
    this.loading.catch(() => { this.loading = undefined; });
    return this.loading;
  }

  private get incremental(): IncrementalLinter {
    this.linter ??= new IncrementalLinter({ capacity: TREE_CACHE_CAPACITY });
    return this.linter;
  }

  /** Lints a document's text, reparsing incrementally from the tree kept for `key`. Never throws. */
  lintDocument(key: string, text: string, options: LintOptions): LintResult {
    // Checked here too: the cache re-lints an unchanged text without looking at the limit again.
    const tooLarge = sizeLimitNotice(text, options);
    if (tooLarge) {
      this.forget(key);
      return { findings: [], skipped: tooLarge, failures: [] };
    }
    return this.incremental.update(key, text, options);
  }

  /**
   * Lints a notebook's cells as one program (magics blanked); findings carry `cell` (the index among
   * all cells) and in-cell ranges. Never throws.
   */
  lintNotebook(key: string, cells: readonly NotebookCell[], options: LintOptions): LintResult {
    const notebook = joinCells(cells);
    const tooLarge = sizeLimitNotice(notebook.source, options);
    if (tooLarge) {
      this.forget(key);
      return { findings: [], skipped: tooLarge, failures: [] };
    }
    const result = this.incremental.update(key, notebook.source, options);
    return { ...result, findings: mapFindingsToCells(notebook, result.findings) };
  }

  /**
   * Parses a document (or a notebook's cells joined) and hands the analysis to `use`. When `key`'s
   * cached tree is for this very text (the usual case right after a lint) it is reused instead of
   * parsing again. Undefined when parsing timed out. Call `ready()` first.
   */
  analyze<T>(input: string | readonly NotebookCell[], use: (analysis: Analysis) => T, key?: string): T | undefined {
    const notebook = typeof input === 'string' ? undefined : joinCells(input);
    const source = notebook ? notebook.source : input as string;
    const run = (tree: Tree) => {
      const root = tree.rootNode;
      return use({ tree, root, source, imports: collectImports(root), constants: collectModuleConstants(root), notebook });
    };
    if (key !== undefined && this.linter?.getText(key) === source) {
      const cached = this.linter.getTree(key);
      if (cached) return run(cached);
    }
    this.parser ??= createPythonParser();
    const tree = parseWithTimeout(this.parser, source, DEFAULT_PARSE_TIMEOUT_MS);
    if (!tree) return undefined;
    try {
      return run(tree);
    } finally {
      tree.delete();
    }
  }

  /** Forgets a closed document's tree. */
  forget(key: string): void {
    this.linter?.close(key);
  }

  dispose(): void {
    this.linter?.dispose();
    this.linter = undefined;
    this.parser?.delete();
    this.parser = undefined;
  }
}
