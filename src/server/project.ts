// Cross-module knowledge for the server: a ProjectIndex (src/lint/project) per set of import roots
// (`[tool.dropout-lab] roots` / `dropoutLab.roots`; usually one for the whole workspace), fed
// with the editor's text of open files and with watcher events for the rest, so a model defined in
// model.py is known while train.py is linted. A file's summary is refreshed a moment after its
// edits stop (summarising costs a parse); when it changed, the open files that import it are
// re-linted. Only `file:` documents take part (the index reads modules from disk).
import * as path from 'path';
import { ProjectIndex } from '../lint/project';
import { filePathOf } from './projectConfig';

/** Quiet time after an edit before the file's module summary is refreshed. */
const SUMMARY_DELAY_MS = 250;

export class ProjectService {
  private readonly indexes = new Map<string, ProjectIndex>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  /** @param onDependentsChanged called when a module summary changed, with the absolute paths of the files whose lint may change */
  constructor(private readonly onDependentsChanged: (files: string[]) => void) {}

  /** The `project` lint option for a document or notebook URI (undefined outside the file system). */
  option(uri: string, roots: readonly string[] = []): { index: ProjectIndex; file: string } | undefined {
    const file = filePathOf(uri);
    return file ? { index: this.indexFor(roots), file: path.resolve(file) } : undefined;
  }

  /** The index for these extra import roots (created on first use). */
  indexFor(roots: readonly string[]): ProjectIndex {
    const key = roots.join('\0');
    let index = this.indexes.get(key);
    if (!index) {
      // Folder walks happen in the background (workspaceIndex.ts), never inside a lint.
      index = new ProjectIndex({ roots, indexCallersOnDemand: false });
      this.indexes.set(key, index);
    }
    return index;
  }

  /**
   * Runs `change` on every index (it returns the dependents when a summary changed, else undefined);
   * the files whose lint may change in any of them, or undefined when no summary changed.
   */
  private each(change: (index: ProjectIndex) => string[] | undefined): string[] | undefined {
    let files: Set<string> | undefined;
    for (const index of this.indexes.values()) {
      const dependents = change(index);
      if (!dependents) continue;
      files ??= new Set();
      for (const file of dependents) files.add(file);
    }
    return files && [...files];
  }

  /** The editor's text of a Python file changed (or it opened): refresh its summary soon. */
  edited(uri: string, text: () => string): void {
    const file = filePathOf(uri);
    if (!file || !/\.pyi?$/i.test(file)) return;
    clearTimeout(this.timers.get(file));
    this.timers.set(file, setTimeout(() => {
      this.timers.delete(file);
      const current = text();
      this.report(this.each((index) => (index.update(file, current) ? index.dependentsOf(file) : undefined)));
    }, SUMMARY_DELAY_MS));
  }

  /** The editor closed a file: the disk's version counts again. */
  closed(uri: string): void {
    const file = filePathOf(uri);
    if (!file) return;
    clearTimeout(this.timers.get(file));
    this.timers.delete(file);
    this.report(this.each((index) => (index.close(file) ? index.dependentsOf(file) : undefined)));
  }

  /** A watcher event for a Python file (1 created, 2 changed, 3 deleted). */
  watched(uri: string, type: number): void {
    const file = filePathOf(uri);
    if (!file || !/\.pyi?$/i.test(file)) return;
    this.report(this.each((index) => {
      if (type !== 3) return index.changed(file) ? index.dependentsOf(file) : undefined;
      const dependents = index.dependentsOf(file);
      index.remove(file);
      return dependents;
    }));
  }

  private report(files: string[] | undefined): void {
    if (files) this.onDependentsChanged(files);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
