// Whole-file linting for the server: one IncrementalLinter (tree reuse across edits), one result per
// lint target (a Python document, or a notebook linted as one program), and the scheduler that
// decides when to lint. Scheduling: a change marks its target dirty; lints run one at a time, after
// `lintDelayMs` of quiet (0 by default: as soon as the messages already received are processed),
// so edits that arrive while a lint runs are merged into one follow-up lint. A result whose
// document changed while it was computed is dropped, never published.
import { loadPython, type Finding, type LintOptions } from '../lint';
import { IncrementalLinter } from '../lint/incremental';
import { sizeLimitNotice, type LintResult } from '../lint/linter';
import { joinCells, mapFindingsToCells } from '../lint/notebook';
import { DocumentStore, type LintTarget } from './documents';

/** The findings of one lint target at one content signature. */
export interface TargetResult {
  key: string;
  signature: string;
  options: LintOptions;
  /** Findings by the URI they are shown on (the document, or each Python cell). */
  byUri: Map<string, Finding[]>;
  /** Versions of the documents (cells) the findings are for, by URI. */
  versions: Map<string, number | undefined>;
  /** For a notebook: cell URIs by notebook cell index (for related locations and edits). */
  cellUris?: string[];
  /** Set when the target was not linted (too large, parse timeout, or Dropout Lab disabled for it). */
  skipped?: string;
  disabled?: boolean;
}

/** Document trees kept for incremental re-parsing (open editors plus a few recently closed). */
const TREE_CACHE_CAPACITY = 64;

export class Linter {
  private incremental: IncrementalLinter | undefined;

  async load(wasmDir?: string): Promise<void> {
    await loadPython(wasmDir);
  }

  /** Lints a target's current content. Never throws. */
  lint(target: LintTarget, options: LintOptions): { result: LintResult; byUri: Map<string, Finding[]>; cellUris?: string[] } {
    this.incremental ??= new IncrementalLinter({ capacity: TREE_CACHE_CAPACITY });
    const byUri = new Map<string, Finding[]>();
    if (target.kind === 'text') {
      const text = target.document.getText();
      const result = this.lintText(target.key, text, options);
      byUri.set(target.key, result.findings);
      return { result, byUri };
    }
    const notebook = joinCells(target.coreCells);
    const result = this.lintText(target.key, notebook.source, options);
    const findings = result.skipped ? [] : mapFindingsToCells(notebook, result.findings);
    const cellUris = target.cells.map((c) => c.uri);
    target.cells.forEach((cell, index) => {
      if (cell.isPython) byUri.set(cell.uri, findings.filter((f) => f.cell === index));
    });
    return { result: { ...result, findings }, byUri, cellUris };
  }

  private lintText(key: string, text: string, options: LintOptions): LintResult {
    // Checked here too: the incremental linter re-lints an unchanged text without looking at the limit again.
    const tooLarge = sizeLimitNotice(text, options);
    if (tooLarge) {
      this.forget(key);
      return { findings: [], skipped: tooLarge, failures: [] };
    }
    return this.incremental!.update(key, text, options);
  }

  forget(key: string): void {
    this.incremental?.close(key);
  }

  dispose(): void {
    this.incremental?.dispose();
    this.incremental = undefined;
  }
}

/** Runs lints one at a time, merging repeated requests for the same target. */
export class LintScheduler {
  private readonly dirty = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private disposed = false;

  constructor(public delayMs: number, private readonly run: (key: string) => Promise<void>) {}

  schedule(key: string): void {
    if (this.disposed) return;
    this.dirty.add(key);
    if (this.running) return; // picked up when the current lint finishes
    if (this.timer !== undefined) {
      if (this.delayMs <= 0) return;
      clearTimeout(this.timer); // a real debounce: quiet time restarts with each change
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain();
    }, this.delayMs);
  }

  /** A lint is due, waiting for its delay, or running. */
  get busy(): boolean {
    return this.running || this.timer !== undefined || this.dirty.size > 0;
  }

  /** Forgets a pending lint (the target was closed). */
  cancel(key: string): void {
    this.dirty.delete(key);
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.dirty.size && !this.disposed) {
        const key = this.dirty.values().next().value as string;
        this.dirty.delete(key);
        await this.run(key);
      }
    } finally {
      this.running = false;
    }
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.dirty.clear();
  }
}

export { DocumentStore };
