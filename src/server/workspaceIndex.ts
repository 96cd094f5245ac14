// Background indexing of the workspace folders: every Python module of a folder is summarised into
// the project index (src/lint/project) so `dependentsOf` knows the closed importers too and the
// first lints find summaries ready. The walk reads folders asynchronously and summarises files in
// short slices between event-loop turns, and waits while a lint is due or running: an edit's lint
// never queues behind indexing. Skipped like the CLI's folder walk: VCS, caches, node_modules,
// virtualenvs and installed packages, hidden folders, `exclude` globs, and files too large to summarise.
import { promises as fsp, type Dirent } from 'fs';
import * as path from 'path';
import { MAX_MODULE_CHARS, SKIPPED_DIRS, type ProjectIndex } from '../lint/project';

/** Summarising stops for an event-loop turn after this many files or milliseconds, whichever comes first. */
export const SLICE_FILES = 8;
export const SLICE_MS = 10;
/** How long to wait before looking again while lints are due. */
const LINT_WAIT_MS = 15;
const PYTHON_MODULE = /\.pyi?$/i;

export interface FolderIndexResult {
  folder: string;
  /** Modules summarised (new to the index or already known). */
  files: number;
  lines: number;
  /** Modules that were not in the index before this walk. */
  added: number;
  /** Files over the size limit, not summarised. */
  tooLarge: number;
  ms: number;
  /** The folder left the workspace (or the server shut down) before the walk ended. */
  cancelled: boolean;
  /** Files whose summary failed, with the error (they stay unknown). */
  failed: string[];
}

/** What the indexer needs from the server for one workspace folder. */
export interface FolderSetup {
  index: ProjectIndex;
  /** `exclude` globs of pyproject.toml / the settings, for a file or folder path. */
  excluded: (file: string, isFolder: boolean) => boolean;
}

export interface WorkspaceIndexerHost {
  /** The index and exclusions for a folder (async: settings may be fetched from the client). */
  setup(folder: string): Promise<FolderSetup>;
  /** True while a lint is due or running: indexing waits. */
  lintPending(): boolean;
  /** A folder's walk ended (also when cancelled). */
  indexed(result: FolderIndexResult): void;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function exists(file: string): Promise<boolean> {
  try {
    await fsp.access(file);
    return true;
  } catch {
    return false;
  }
}

async function isVirtualEnv(dir: string): Promise<boolean> {
  return await exists(path.join(dir, 'pyvenv.cfg')) || await exists(path.join(dir, 'conda-meta'));
}

export class WorkspaceIndexer {
  /** Folders to walk, in order; one walk at a time. */
  private readonly queue: string[] = [];
  private readonly cancelled = new Set<string>();
  private current: string | undefined;
  private running: Promise<void> | undefined;
  private disposed = false;

  constructor(private readonly host: WorkspaceIndexerHost) {}

  /** Indexes these folders (absolute paths) after the ones already queued. */
  add(folders: readonly string[]): void {
    for (const folder of folders.map((f) => path.resolve(f))) {
      this.cancelled.delete(folder);
      if (!this.queue.includes(folder) && this.current !== folder) this.queue.push(folder);
    }
    this.running ??= this.drain().finally(() => { this.running = undefined; });
  }

  /** A folder left the workspace: drop it from the queue and stop its walk. */
  remove(folder: string): void {
    const resolved = path.resolve(folder);
    const at = this.queue.indexOf(resolved);
    if (at >= 0) this.queue.splice(at, 1);
    if (this.current === resolved) this.cancelled.add(resolved);
  }

  /** Resolves when every queued walk ended. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.queue.length && !this.disposed) {
      const folder = this.queue.shift()!;
      this.current = folder;
      try {
        this.host.indexed(await this.walk(folder));
      } catch (error) {
        // Setup failed (settings could not be read): report it, keep serving, go on with the next folder.
        this.host.indexed({ folder, files: 0, lines: 0, added: 0, tooLarge: 0, ms: 0, cancelled: true, failed: [`${folder}: ${error instanceof Error ? error.message : String(error)}`] });
      } finally {
        this.current = undefined;
        this.cancelled.delete(folder);
      }
    }
  }

  private stopped(folder: string): boolean {
    return this.disposed || this.cancelled.has(folder);
  }

  private async walk(folder: string): Promise<FolderIndexResult> {
    const started = Date.now();
    const result: FolderIndexResult = { folder, files: 0, lines: 0, added: 0, tooLarge: 0, ms: 0, cancelled: false, failed: [] };
    const { index, excluded } = await this.host.setup(folder);
    const known = new Set(index.indexedFiles());
    const pending = [folder];
    let sliceStart = performance.now();
    let sliceFiles = 0;
    while (pending.length) {
      if (this.stopped(folder)) {
        result.cancelled = true;
        break;
      }
      const dir = pending.shift()!;
      let entries: Dirent[];
      try {
        entries = await fsp.readdir(dir, { withFileTypes: true });
      } catch {
        continue; // unreadable or gone: nothing to index there
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          // Symlinked folders are not followed (no loops, no installed trees linked in).
          if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.') && !excluded(full, true) && !await isVirtualEnv(full)) pending.push(full);
          continue;
        }
        if (!PYTHON_MODULE.test(entry.name) || excluded(full, false)) continue;
        let size: number;
        try {
          const stat = await fsp.stat(full);
          if (!stat.isFile()) continue;
          size = stat.size;
        } catch {
          continue;
        }
        if (size > MAX_MODULE_CHARS) {
          result.tooLarge++;
          continue;
        }
        // Lints first: wait while one is due, and give the event loop a turn after each slice.
        if (sliceFiles >= SLICE_FILES || performance.now() - sliceStart >= SLICE_MS || this.host.lintPending()) {
          await turn();
          while (this.host.lintPending() && !this.stopped(folder)) await sleep(LINT_WAIT_MS);
          if (this.stopped(folder)) break;
          sliceStart = performance.now();
          sliceFiles = 0;
        }
        let summary: ReturnType<ProjectIndex['summaryOf']>;
        try {
          summary = index.summaryOf(full);
        } catch (error) {
          // One module the summariser cannot handle must not stop the walk (nor the server).
          result.failed.push(`${full}: ${error instanceof Error ? error.message : String(error)}`);
          continue;
        } finally {
          sliceFiles++;
        }
        if (!summary) continue;
        result.files++;
        result.lines += summary.lines;
        if (!known.has(full)) result.added++;
      }
    }
    if (this.stopped(folder)) result.cancelled = true;
    result.ms = Date.now() - started;
    return result;
  }

  dispose(): void {
    this.disposed = true;
    this.queue.length = 0;
  }
}
