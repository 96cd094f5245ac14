// Where a project's modules live, the way Python finds them: the folder above a file's topmost
// package (`__init__.py` chain), a `pyproject.toml` / `setup.cfg` / `setup.py` folder and its `src/`
// layout, the file's own folder (a script run as `python train.py`), and roots the user set
// (`[tool.dropout-lab] roots`, the `dropoutLab.roots` setting). The file system is an interface so
// the editor can answer from its open documents and the CLI from disk.
import * as fs from 'fs';
import * as path from 'path';

export interface ProjectFileSystem {
  /** The file's text, or undefined when it cannot be read. */
  readText(file: string): string | undefined;
  isFile(file: string): boolean;
  isDirectory(dir: string): boolean;
  /** Entries of a folder (names), or [] when it cannot be read. */
  list(dir: string): string[];
}

/** The disk, with stat answers remembered until `forget` (a lint run sees one state of the disk). */
export class DiskFileSystem implements ProjectFileSystem {
  private readonly kinds = new Map<string, 'file' | 'dir' | 'none'>();

  private kind(target: string): 'file' | 'dir' | 'none' {
    let kind = this.kinds.get(target);
    if (kind === undefined) {
      try {
        const stat = fs.statSync(target);
        kind = stat.isFile() ? 'file' : stat.isDirectory() ? 'dir' : 'none';
      } catch {
        kind = 'none';
      }
      this.kinds.set(target, kind);
    }
    return kind;
  }

  readText(file: string): string | undefined {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  }

  isFile(file: string): boolean {
    return this.kind(file) === 'file';
  }

  isDirectory(dir: string): boolean {
    return this.kind(dir) === 'dir';
  }

  list(dir: string): string[] {
    try {
      return fs.readdirSync(dir);
    } catch {
      return [];
    }
  }

  /** Drops remembered answers (after a file watcher reported a change), for one path or all. */
  forget(target?: string): void {
    if (target === undefined) this.kinds.clear();
    else {
      this.kinds.delete(target);
      this.kinds.delete(path.dirname(target));
    }
  }
}

const PROJECT_MARKERS = ['pyproject.toml', 'setup.cfg', 'setup.py'];
/** How far up a project marker is looked for. */
const MAX_UPWARD = 12;

export interface ModuleLocation {
  /** Dotted module name (`pkg.models`), relative to `root`. */
  name: string;
  /** True for a package's `__init__.py`. */
  isPackage: boolean;
  root: string;
}

/** The folder above the file's topmost package, and the file's module name from there. */
export function moduleLocation(file: string, files: ProjectFileSystem): ModuleLocation {
  const base = path.basename(file).replace(/\.(?:pyi?|ipynb)$/i, '');
  const isPackage = base === '__init__';
  const parts: string[] = isPackage ? [] : [base];
  let dir = path.dirname(file);
  for (let i = 0; i < 64 && files.isFile(path.join(dir, '__init__.py')); i++) {
    parts.unshift(path.basename(dir));
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return { name: parts.join('.'), isPackage, root: dir };
}

/**
 * The folders absolute imports of `file` are looked up in, most specific first: roots the user
 * set, the package root, the project marker's folder and its `src/`, the file's own folder.
 */
export function importRoots(file: string, files: ProjectFileSystem, configured: readonly string[] = []): string[] {
  const roots: string[] = [];
  const add = (dir: string) => {
    const resolved = path.resolve(dir);
    if (!roots.includes(resolved)) roots.push(resolved);
  };
  for (const root of configured) add(root);
  add(moduleLocation(file, files).root);
  let dir = path.dirname(path.resolve(file));
  for (let i = 0; i < MAX_UPWARD; i++) {
    if (PROJECT_MARKERS.some((marker) => files.isFile(path.join(dir, marker)))) {
      if (files.isDirectory(path.join(dir, 'src'))) add(path.join(dir, 'src'));
      add(dir);
      break;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  add(path.dirname(file));
  return roots;
}

/** The file of module `name` under `root`: `a/b.py`, `a/b/__init__.py` (or `.pyi`), or undefined. */
export function moduleFile(root: string, name: string, files: ProjectFileSystem): string | undefined {
  if (!name) return undefined;
  const relative = path.join(root, ...name.split('.'));
  for (const candidate of [`${relative}.py`, path.join(relative, '__init__.py'), `${relative}.pyi`, path.join(relative, '__init__.pyi')]) {
    if (files.isFile(candidate)) return candidate;
  }
  return undefined;
}
