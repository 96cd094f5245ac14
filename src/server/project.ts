// Cross-module knowledge for the server: one ProjectIndex (src/lint/project) for the workspace, fed
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
  readonly index = new ProjectIndex();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  /** @param onDependentsChanged called with the absolute paths of files whose lint may change */
  constructor(private readonly onDependentsChanged: (files: string[]) => void) {}

  /** The `project` lint option for a document or notebook URI (undefined outside the file system). */
  option(uri: string): { index: ProjectIndex; file: string } | undefined {
    const file = filePathOf(uri);
    return file ? { index: this.index, file: path.resolve(file) } : undefined;
  }

  /** The editor's text of a Python file changed (or it opened): refresh its summary soon. */
  edited(uri: string, text: () => string): void {
    const file = filePathOf(uri);
    if (!file || !/\.pyi?$/i.test(file)) return;
    clearTimeout(this.timers.get(file));
    this.timers.set(file, setTimeout(() => {
      this.timers.delete(file);
      if (this.index.update(file, text())) this.notify(file);
    }, SUMMARY_DELAY_MS));
  }

  /** The editor closed a file: the disk's version counts again. */
  closed(uri: string): void {
    const file = filePathOf(uri);
    if (!file) return;
    clearTimeout(this.timers.get(file));
    this.timers.delete(file);
    if (this.index.close(file)) this.notify(file);
  }

  /** A watcher event for a Python file (1 created, 2 changed, 3 deleted). */
  watched(uri: string, type: number): void {
    const file = filePathOf(uri);
    if (!file || !/\.pyi?$/i.test(file)) return;
    if (type === 3) {
      const dependents = this.index.dependentsOf(file);
      this.index.remove(file);
      this.onDependentsChanged(dependents);
    } else if (this.index.changed(file)) {
      this.notify(file);
    }
  }

  private notify(file: string): void {
    this.onDependentsChanged(this.index.dependentsOf(file));
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
