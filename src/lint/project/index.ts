// The project index: per Python module of a project a summary (summary.ts), cached by content, and
// the cross-module questions the analyses ask of it — "what does `pkg.models.DigitNet` contain?",
// "what does `build_model(cfg)` return?", "what does `model.train_start()` do to `model.enc`?".
// Imports resolve the way Python resolves them (roots.ts, imports.ts): absolute names from the
// project's roots, relative imports, `import pkg.mod as m`, re-exports in `__init__.py`, and `from
// x import *`. Cycles and missing modules are fine: what cannot be found stays unknown.
//
//   const index = new ProjectIndex({ roots });          // disk by default
//   index.update(file, unsavedText);                     // the editor's text wins over the disk
//   index.remove(file);                                  // deleted (or: `changed(file)` after a watcher event)
//   index.dependentsOf(file);                            // files whose findings may change with it
//   lintText(source, { project: index.forFile(file) })   // what the rules see
//
// Pure TypeScript (no `vscode`): the CLI, the lint workers and the language server share it.
import * as path from 'path';
import { createPythonParser, snapshotTree } from '../parser';
import type { SyntaxNode } from '../parser';
import { isKerasLayerBase, isTorchModuleBase } from '../flow/pySyntax';
import { canonicalName } from '../resolve';
import { absoluteName, type ModuleImports } from './imports';
import { libraryModel } from './libraryModels';
import { DiskFileSystem, importRoots, moduleFile, moduleLocation, type ModuleLocation, type ProjectFileSystem } from './roots';
import { moduleBindings, summarizeModule, type ClassSummary, type ModuleBindings, type FunctionSummary, type LayerFact, type ModeEffect, type ModuleSummary } from './summary';

export type { ModuleSummary, ClassSummary, FunctionSummary, LayerFact, ModeEffect } from './summary';
export { DiskFileSystem, type ProjectFileSystem } from './roots';

/** What a model built somewhere in the project (or by a known library) contains. */
export interface ModelFacts {
  /** For messages: `DigitNet`, `torchvision vgg16`, `build_model()`. */
  model: string;
  framework: 'torch' | 'keras' | 'unknown';
  dropout?: LayerFact & { owner: string };
  batchNorm?: LayerFact & { owner: string };
  /** The object is returned in eval mode (`from_pretrained`, a builder ending in `.eval()`). */
  evalOnReturn?: boolean;
  /** Where the class (or builder) is defined, when it is in the project. */
  file?: string;
  line?: number;
  /** For method questions (`methodEffects`): the class, when it is in the project. */
  classKey?: string;
}

/** The part of the index one linted file sees (passed in the lint options). */
export interface ProjectView {
  /** What calling `dotted` (as written in the linted file: `Net`, `models.Net`, `build_model`) builds, if known. */
  built(dotted: string): ModelFacts | undefined;
  /** The train/eval switches calling function `dotted` makes on its parameters (`target` heads are parameter names). */
  functionEffects(dotted: string): { params: string[]; effects: ModeEffect[] } | undefined;
  /** The switches a method of a project class makes on `self` and its attributes (inherited methods included). */
  methodEffects(classKey: string, method: string): { params: string[]; effects: ModeEffect[] } | undefined;
  /**
   * The model callers in the project pass to parameter `param` of this file's class `cls`
   * (constructor injection) or module-level function `fn`, when one passes a known model.
   */
  passedModel(target: { cls?: string; fn?: string }, param: string): ModelFacts | undefined;
}

interface Entry {
  file: string;
  key: string;
  summary: ModuleSummary;
  location: ModuleLocation;
}

type Resolved =
  | { kind: 'class'; entry: Entry; summary: ClassSummary }
  | { kind: 'function'; entry: Entry; summary: FunctionSummary }
  | { kind: 'variable'; entry: Entry; built: string }
  | { kind: 'module'; entry: Entry }
  | { kind: 'external'; qualified: string };

/** Top-level packages whose names the per-file analyses interpret themselves: never looked up in project sources. */
export const FRAMEWORK_PACKAGES: ReadonlySet<string> = new Set(['torch', 'tensorflow', 'keras', 'tf_keras', 'jax', 'flax', 'numpy', 'transformers', 'timm', 'torchvision', 'lightning', 'pytorch_lightning', 'tensorflow_hub', 'haiku', 'optax']);

/** Content key of a text: length and a 53-bit hash (cyrb53). */
function contentKey(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `${text.length}:${(4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36)}`;
}

const SUMMARY_CACHE_LIMIT = 20_000;
/** Summaries by content key, shared by every index of the process (same text, same summary). */
const summariesByContent = new Map<string, ModuleSummary>();

let parser: ReturnType<typeof createPythonParser> | undefined;

/** Summarises Python source (`loadPython()` must have resolved). Cached by content. */
export function summarizeSource(text: string): ModuleSummary {
  const key = contentKey(text);
  const cached = summariesByContent.get(key);
  if (cached) return cached;
  return remember(key, parsedSummary(text));
}

/**
 * The summary of a module already parsed from `text` (the file being linted), entered in the same
 * cache: the index's refresh of an edited file then finds the summary its lint just made.
 */
function summarizeParsed(root: SyntaxNode, text: string): ModuleSummary {
  const key = contentKey(text);
  return summariesByContent.get(key) ?? remember(key, summarizeModule(root));
}

function remember(key: string, summary: ModuleSummary): ModuleSummary {
  if (summariesByContent.size >= SUMMARY_CACHE_LIMIT) summariesByContent.delete(summariesByContent.keys().next().value as string);
  summariesByContent.set(key, summary);
  return summary;
}

function parsedSummary(text: string): ModuleSummary {
  parser ??= createPythonParser();
  const tree = parser.parse(text);
  let summary: ModuleSummary;
  try {
    summary = tree ? summarizeModule(snapshotTree(tree, text)) : emptySummary();
  } catch {
    // Source nested too deeply for the walk: nothing known about it.
    summary = emptySummary();
  } finally {
    tree?.delete();
  }
  return summary;
}

/** Records without a prototype, like a real summary's: `classes['constructor']` must not find Object's. */
function record<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function emptySummary(): ModuleSummary {
  return { imports: { bindings: record(), stars: [] }, passes: [], classes: record(), functions: record(), variables: record(), lines: 0 };
}

export const SKIPPED_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules', '__pycache__', '.venv', 'venv', '.env', 'env', '.tox', '.nox', '.mypy_cache', '.pytest_cache', '.ruff_cache', 'site-packages', '.ipynb_checkpoints']);
/** Folders of installed packages (a package root found there is not a project root). */
const INSTALLED_PACKAGES = /(?:site|dist)-packages$/;
/** How many files are read to answer a question about callers. */
const MAX_CALLER_SEARCH_FILES = 3000;
/** Modules larger than this are not summarised (generated code, data in .py files). */
export const MAX_MODULE_CHARS = 2 * 1024 * 1024;

export interface ProjectIndexOptions {
  files?: ProjectFileSystem;
  /** Extra import roots (`[tool.dropout-lab] roots`, `dropoutLab.roots`), absolute paths. */
  roots?: readonly string[];
  /**
   * Top-level packages never looked up in sources (the frameworks and model libraries: their names
   * are interpreted by the analyses and the library table). Default: `FRAMEWORK_PACKAGES`.
   */
  libraryPackages?: ReadonlySet<string>;
  /**
   * Questions about callers (`Trainer(Net())` elsewhere in the project) need every module. True
   * (the default, for the CLI): the file's project folder is indexed on the first such question,
   * inside that lint. False (the language server): they are answered from what is indexed already
   * — the server indexes its workspace folders in the background and re-lints open files when that
   * is done, so a lint never waits for a folder walk.
   */
  indexCallersOnDemand?: boolean;
}

export interface IndexStats {
  files: number;
  lines: number;
  ms: number;
}

export class ProjectIndex {
  readonly files: ProjectFileSystem;
  private readonly configuredRoots: string[];
  private readonly entries = new Map<string, Entry | null>();
  private readonly indexCallersOnDemand: boolean;
  private readonly overlays = new Map<string, string>();
  private readonly rootsByDir = new Map<string, string[]>();
  private readonly moduleFiles = new Map<string, string | null>();
  private factsMemo = new Map<string, ModelFacts | null>();
  private readonly libraries: ReadonlySet<string>;

  constructor(options: ProjectIndexOptions = {}) {
    this.files = options.files ?? new DiskFileSystem();
    this.libraries = options.libraryPackages ?? FRAMEWORK_PACKAGES;
    this.configuredRoots = (options.roots ?? []).map((r) => path.resolve(r));
    this.indexCallersOnDemand = options.indexCallersOnDemand ?? true;
  }

  // ---- keeping it current ---------------------------------------------------------------------

  /** The editor's text of `file` (wins over the disk until `close`). True when its summary changed. */
  update(file: string, text: string): boolean {
    const resolved = path.resolve(file);
    this.overlays.set(resolved, text);
    return this.reread(resolved);
  }

  /** The editor closed `file`: the disk's text counts again. True when its summary changed. */
  close(file: string): boolean {
    const resolved = path.resolve(file);
    if (!this.overlays.delete(resolved)) return false;
    return this.reread(resolved);
  }

  /** The file was created or changed on disk (a watcher event). True when its summary changed. */
  changed(file: string): boolean {
    const resolved = path.resolve(file);
    if (this.files instanceof DiskFileSystem) this.files.forget(resolved);
    return this.reread(resolved);
  }

  private reread(file: string): boolean {
    const before = this.entries.get(file) ?? undefined;
    const existed = before !== undefined;
    this.entries.delete(file);
    const after = this.entry(file);
    const changed = !sameSummary(before?.summary, after?.summary);
    // A module that appears or goes away changes where names resolve.
    if (changed) this.invalidate(file, existed !== (after !== undefined));
    return changed;
  }

  /** The file is gone (deleted or renamed away). */
  remove(file: string): void {
    const resolved = path.resolve(file);
    this.overlays.delete(resolved);
    this.entries.set(resolved, null);
    if (this.files instanceof DiskFileSystem) this.files.forget(resolved);
    this.invalidate(resolved, true);
    // A later `changed` (re-created) reads it again.
    this.entries.delete(resolved);
  }

  private invalidate(file: string, structural: boolean): void {
    this.factsMemo = new Map();
    if (structural) {
      this.moduleFiles.clear();
      this.rootsByDir.clear();
    }
    void file;
  }

  /**
   * Summarises every Python file under `dir` (skipping VCS, caches, virtualenvs): the editor does
   * this in the background for its workspace folders, the bench for torch+torchvision.
   */
  indexFolder(dir: string, maxFiles = Infinity): IndexStats {
    const start = Date.now();
    let files = 0;
    let lines = 0;
    const visit = (folder: string, depth: number) => {
      if (depth > 40) return;
      for (const name of this.files.list(folder).sort()) {
        if (files >= maxFiles) return;
        const full = path.join(folder, name);
        if (/\.pyi?$/.test(name) && this.files.isFile(full)) {
          const entry = this.entry(full);
          if (entry) {
            files++;
            lines += entry.summary.lines;
          }
        } else if (!SKIPPED_DIRS.has(name) && !name.startsWith('.') && this.files.isDirectory(full)) visit(full, depth + 1);
      }
    };
    visit(path.resolve(dir), 0);
    return { files, lines, ms: Date.now() - start };
  }

  private readonly indexedRoots = new Set<string>();

  /**
   * Questions about callers (who constructs `Trainer` with which model) need the whole project:
   * its package root is indexed once, on the first such question (not an installed-packages folder).
   */
  private ensureProjectIndexed(file: string): void {
    if (!this.indexCallersOnDemand) return;
    const root = moduleLocation(file, this.files).root;
    if (this.indexedRoots.has(root)) return;
    this.indexedRoots.add(root);
    if (INSTALLED_PACKAGES.test(root) || path.dirname(root) === root) return;
    this.indexFolder(root, MAX_CALLER_SEARCH_FILES);
  }

  /**
   * The model handed to parameter `param` of class `cls` (its `__init__`) or of module-level
   * function `fn` in `file`, by a call somewhere in the project that passes a model it built
   * (`Trainer(Net(), ...)`, `fit(model=build_model())`). The first known torch model wins.
   */
  passedModel(file: string, target: { cls?: string; fn?: string }, param: string, own?: Entry): ModelFacts | undefined {
    this.ensureProjectIndexed(file);
    const entries = [...(own ? [own] : []), ...[...this.entries.values()].filter((e): e is Entry => !!e && e.file !== own?.file)];
    for (const entry of entries) {
      for (const pass of entry.summary.passes) {
        const resolved = this.resolveStored(pass.callee, entry, own);
        let params: string[] | undefined;
        if (resolved?.kind === 'class' && resolved.entry.file === file && resolved.summary.name === target.cls) params = resolved.summary.methods.__init__?.params.slice(1);
        else if (resolved?.kind === 'function' && resolved.entry.file === file && resolved.summary.name === target.fn) params = resolved.summary.params;
        if (!params) continue;
        const index = params.indexOf(param);
        const builder = pass.keywords[param] ?? (index >= 0 ? pass.args[index] : null);
        if (!builder) continue;
        const built = this.resolveStored(builder, entry, own);
        const facts = built ? this.builtFrom(built, new Set()) : undefined;
        if (facts?.framework === 'torch' && (facts.dropout || facts.batchNorm)) return facts;
      }
    }
    return undefined;
  }

  /** A stored name of `entry`'s summary resolved; the linted file's own globals from its current text. */
  private resolveStored(stored: string, entry: Entry, own: Entry | undefined): Resolved | undefined {
    if (entry === own && stored.startsWith('@')) return this.resolveIn(own, stored.slice(1));
    const absolute = this.absolute(stored, entry);
    return absolute ? this.lookup(absolute, entry.file) : undefined;
  }

  /** Files indexed so far. */
  indexedFiles(): string[] {
    return [...this.entries.entries()].filter(([, e]) => e).map(([f]) => f);
  }

  /** The summary of `file` (read and summarised on first use), or undefined when it cannot be read. */
  summaryOf(file: string): ModuleSummary | undefined {
    return this.entry(path.resolve(file))?.summary;
  }

  private entry(file: string): Entry | undefined {
    const known = this.entries.get(file);
    if (known !== undefined) return known ?? undefined;
    const text = this.overlays.get(file) ?? this.files.readText(file);
    if (text === undefined || text.length > MAX_MODULE_CHARS) {
      this.entries.set(file, null);
      return undefined;
    }
    const entry: Entry = { file, key: contentKey(text), summary: summarizeSource(text), location: moduleLocation(file, this.files) };
    this.entries.set(file, entry);
    return entry;
  }

  /**
   * Files whose lint may read `file`'s summary: the indexed modules that import it, directly or
   * through other modules (re-exports), most direct first.
   */
  dependentsOf(file: string): string[] {
    const target = path.resolve(file);
    const importers = new Map<string, Set<string>>();
    for (const [importer, entry] of this.entries) {
      if (!entry) continue;
      for (const imported of this.importedFiles(entry)) {
        let set = importers.get(imported);
        if (!set) importers.set(imported, set = new Set());
        set.add(importer);
      }
    }
    const result: string[] = [];
    const seen = new Set([target]);
    const queue = [target];
    while (queue.length) {
      const current = queue.shift()!;
      for (const importer of importers.get(current) ?? []) {
        if (seen.has(importer)) continue;
        seen.add(importer);
        result.push(importer);
        queue.push(importer);
      }
    }
    return result;
  }

  /** The project files a module's imports name (modules and the packages on the way). */
  private importedFiles(entry: Entry): Set<string> {
    const found = new Set<string>();
    const targets = [...Object.values(entry.summary.imports.bindings), ...entry.summary.imports.stars];
    for (const target of targets) {
      const absolute = absoluteName(target, entry.location.name, entry.location.isPackage);
      if (!absolute) continue;
      const parts = absolute.split('.');
      if (this.libraries.has(parts[0]!)) continue;
      for (let i = 1; i <= parts.length; i++) {
        const module = this.findModule(parts.slice(0, i).join('.'), entry.file);
        if (module) found.add(module);
      }
    }
    return found;
  }

  // ---- resolution ---------------------------------------------------------------------------

  private rootsFor(file: string): string[] {
    const dir = path.dirname(file);
    let roots = this.rootsByDir.get(dir);
    if (!roots) this.rootsByDir.set(dir, roots = importRoots(file, this.files, this.configuredRoots));
    return roots;
  }

  /** The file of absolute module `name` as imported from `fromFile`. */
  private findModule(name: string, fromFile: string): string | undefined {
    const roots = this.rootsFor(fromFile);
    const key = `${roots.join('\0')}\0${name}`;
    const cached = this.moduleFiles.get(key);
    if (cached !== undefined) return cached ?? undefined;
    let found: string | undefined;
    const top = name.split('.')[0]!;
    for (const root of roots) {
      // Installed packages are libraries, not the project: only a package's own modules are read there.
      if (INSTALLED_PACKAGES.test(root) && top !== this.topPackage(fromFile)) continue;
      found = moduleFile(root, name, this.files);
      if (found) break;
    }
    this.moduleFiles.set(key, found ?? null);
    return found;
  }

  private readonly topPackages = new Map<string, string>();

  /** The top-level package (or script module) a file belongs to. */
  private topPackage(file: string): string {
    const dir = path.dirname(file);
    let top = this.topPackages.get(dir);
    if (top === undefined) this.topPackages.set(dir, top = moduleLocation(file, this.files).name.split('.')[0] ?? '');
    return top;
  }

  /** Absolute form of a stored name of `entry`'s summary. */
  private absolute(stored: string, entry: Entry): string | undefined {
    if (stored.startsWith('@')) return entry.location.name ? `${entry.location.name}.${stored.slice(1)}` : undefined;
    return absoluteName(stored, entry.location.name, entry.location.isPackage);
  }

  /** What an absolute dotted name is, seen from `fromFile`. */
  private lookup(absolute: string, fromFile: string, depth = 0): Resolved | undefined {
    if (depth > 24) return undefined;
    const parts = absolute.split('.');
    if (this.libraries.has(parts[0]!)) return { kind: 'external', qualified: canonicalName(absolute) };
    for (let i = parts.length; i >= 1; i--) {
      const moduleFilePath = this.findModule(parts.slice(0, i).join('.'), fromFile);
      if (!moduleFilePath) continue;
      const entry = this.entry(moduleFilePath);
      if (!entry) return undefined;
      return this.walk(entry, parts.slice(i), depth + 1, 0);
    }
    return { kind: 'external', qualified: canonicalName(absolute) };
  }

  /** `rest` looked up inside a module: its classes, functions, variables, imports, submodules, star imports. */
  private walk(entry: Entry, rest: readonly string[], depth: number, starDepth: number): Resolved | undefined {
    if (rest.length === 0) return { kind: 'module', entry };
    if (depth > 24) return undefined;
    const [name, ...tail] = rest as [string, ...string[]];
    const summary = entry.summary;
    if (tail.length === 0) {
      const cls = summary.classes[name];
      if (cls) return { kind: 'class', entry, summary: cls };
      const fn = summary.functions[name];
      if (fn) return { kind: 'function', entry, summary: fn };
      const variable = summary.variables[name];
      if (variable) return { kind: 'variable', entry, built: variable };
    } else if (summary.classes[name] || summary.functions[name]) {
      // `Net.build(...)`: attributes of classes and functions are not followed.
      return undefined;
    }
    const bound = summary.imports.bindings[name];
    if (bound !== undefined) {
      const target = absoluteName(bound, entry.location.name, entry.location.isPackage);
      return target ? this.lookup([target, ...tail].join('.'), entry.file, depth + 1) : undefined;
    }
    if (entry.location.isPackage && entry.location.name) {
      const sub = this.findModule(`${entry.location.name}.${name}`, entry.file);
      const subEntry = sub ? this.entry(sub) : undefined;
      if (subEntry) return this.walk(subEntry, tail, depth + 1, 0);
    }
    // `from .layers import *` (followed two levels deep, as far as re-exporting packages go).
    if (starDepth < 2) {
      for (const star of summary.imports.stars) {
        const module = absoluteName(star, entry.location.name, entry.location.isPackage);
        if (!module || this.libraries.has(module.split('.')[0]!)) continue;
        const starFile = this.findModule(module, entry.file);
        const starEntry = starFile ? this.entry(starFile) : undefined;
        if (!starEntry) continue;
        const found = this.walk(starEntry, rest, depth + 1, starDepth + 1);
        if (found && found.kind !== 'external') return found;
      }
    }
    return undefined;
  }

  // ---- facts ----------------------------------------------------------------------------------

  /** What calling the absolute name `absolute` (seen from `fromFile`) builds. */
  builtBy(absolute: string, fromFile: string): ModelFacts | undefined {
    const resolved = this.lookup(absolute, fromFile);
    return resolved ? this.builtFrom(resolved, new Set()) : undefined;
  }

  private builtFrom(resolved: Resolved, seen: Set<string>): ModelFacts | undefined {
    switch (resolved.kind) {
      case 'class':
        return this.classFacts(resolved.entry, resolved.summary, seen);
      case 'function': {
        const key = `${resolved.entry.file}#${resolved.summary.name}()`;
        if (seen.has(key) || resolved.summary.returns.length === 0) return undefined;
        seen.add(key);
        let found: ModelFacts | undefined;
        let allEval = true;
        for (const ret of resolved.summary.returns) {
          const absolute = this.absolute(ret.built, resolved.entry);
          const inner = absolute ? this.lookup(absolute, resolved.entry.file) : undefined;
          const facts = inner ? this.builtFrom(inner, seen) : undefined;
          if (!facts) return undefined;
          found ??= facts;
          allEval &&= !!ret.eval || !!facts.evalOnReturn;
        }
        if (!found) return undefined;
        // What the builder itself builds goes into the model too (`Net(make_layers(cfg))`, a head it attaches).
        const result: ModelFacts = { ...found, evalOnReturn: allEval };
        const add = (layer: LayerFact, owner: string) => {
          if (layer.kind === 'dropout') result.dropout ??= { ...layer, owner };
          else result.batchNorm ??= { ...layer, owner };
        };
        for (const layer of resolved.summary.layers) add(layer, `${resolved.summary.name}()`);
        for (const used of resolved.summary.uses) this.usedFacts(used, resolved.entry, seen, add, 0);
        seen.delete(key);
        return result;
      }
      case 'variable': {
        const absolute = this.absolute(resolved.built, resolved.entry);
        const inner = absolute ? this.lookup(absolute, resolved.entry.file) : undefined;
        return inner ? this.builtFrom(inner, seen) : undefined;
      }
      case 'external': {
        const library = libraryModel(resolved.qualified);
        if (!library) return undefined;
        return {
          model: library.display,
          framework: library.framework,
          dropout: library.dropout ? { kind: 'dropout', display: library.dropout, line: 0, owner: library.display } : undefined,
          batchNorm: library.batchNorm ? { kind: 'batchnorm', display: library.batchNorm, line: 0, owner: library.display } : undefined,
          evalOnReturn: library.evalOnReturn,
        };
      }
      default:
        return undefined;
    }
  }

  /** A project class's framework and its dropout / BatchNorm (own, inherited, in submodules). */
  classFacts(entry: Entry, cls: ClassSummary, seen: Set<string> = new Set()): ModelFacts | undefined {
    const key = `${entry.file}#${cls.name}`;
    const memo = this.factsMemo.get(key);
    if (memo !== undefined) return memo ?? undefined;
    // A cycle (a class using itself through other modules) adds nothing.
    if (seen.has(key)) return undefined;
    seen.add(key);
    const facts: ModelFacts = { model: cls.name, framework: 'unknown', file: entry.file, line: cls.line, classKey: key };
    const add = (layer: LayerFact, owner: string) => {
      if (layer.kind === 'dropout') facts.dropout ??= { ...layer, owner };
      else facts.batchNorm ??= { ...layer, owner };
    };
    for (const base of cls.bases) {
      const absolute = this.absolute(base, entry);
      if (!absolute) continue;
      const canonical = canonicalName(absolute);
      if (isTorchModuleBase(canonical)) facts.framework = 'torch';
      else if (isKerasLayerBase(canonical)) facts.framework = 'keras';
      else {
        const resolved = this.lookup(absolute, entry.file);
        if (resolved?.kind === 'class') {
          const inherited = this.classFacts(resolved.entry, resolved.summary, seen);
          if (inherited) {
            if (facts.framework === 'unknown') facts.framework = inherited.framework;
            if (inherited.dropout) add(inherited.dropout, inherited.dropout.owner);
            if (inherited.batchNorm) add(inherited.batchNorm, inherited.batchNorm.owner);
          }
        }
      }
    }
    for (const layer of cls.layers) add(layer, cls.name);
    for (const used of cls.uses) {
      if (facts.dropout && facts.batchNorm) break;
      this.usedFacts(used, entry, seen, add, 0);
    }
    seen.delete(key);
    this.factsMemo.set(key, facts);
    return facts;
  }

  /** The layers a name used in a body brings: a class's contents, a helper function's layers and what it returns. */
  private usedFacts(used: string, entry: Entry, seen: Set<string>, add: (layer: LayerFact, owner: string) => void, depth: number): void {
    if (depth > 6) return;
    const absolute = this.absolute(used, entry);
    const resolved = absolute ? this.lookup(absolute, entry.file) : undefined;
    if (!resolved) return;
    if (resolved.kind === 'class') {
      const inner = this.classFacts(resolved.entry, resolved.summary, seen);
      if (inner?.dropout) add(inner.dropout, inner.dropout.owner);
      if (inner?.batchNorm) add(inner.batchNorm, inner.batchNorm.owner);
    } else if (resolved.kind === 'function') {
      const key = `${resolved.entry.file}#${resolved.summary.name}()`;
      if (seen.has(key)) return;
      seen.add(key);
      for (const layer of resolved.summary.layers) add(layer, `${resolved.summary.name}()`);
      for (const inner of resolved.summary.uses) this.usedFacts(inner, resolved.entry, seen, add, depth + 1);
      seen.delete(key);
    } else if (resolved.kind === 'external') {
      const library = libraryModel(resolved.qualified);
      if (library?.dropout) add({ kind: 'dropout', display: library.dropout, line: 0 }, library.display);
      if (library?.batchNorm) add({ kind: 'batchnorm', display: library.batchNorm, line: 0 }, library.display);
    }
  }

  /** A method of a project class (or of one of its project base classes). */
  private findMethod(classKey: string, method: string, depth = 0): FunctionSummary | undefined {
    if (depth > 10) return undefined;
    const hash = classKey.lastIndexOf('#');
    const entry = this.entry(classKey.slice(0, hash));
    const cls = entry?.summary.classes[classKey.slice(hash + 1)];
    if (!entry || !cls) return undefined;
    const own = cls.methods[method];
    if (own) return own;
    for (const base of cls.bases) {
      const absolute = this.absolute(base, entry);
      const resolved = absolute ? this.lookup(absolute, entry.file) : undefined;
      if (resolved?.kind !== 'class') continue;
      const found = this.findMethod(`${resolved.entry.file}#${resolved.summary.name}`, method, depth + 1);
      if (found) return found;
    }
    return undefined;
  }

  /** The view one linted file gets: its own imports (relative ones too) resolved from where it lives. */
  forFile(file: string, root?: SyntaxNode, source?: string): ProjectView {
    return new FileView(this, path.resolve(file), root, source);
  }

  /** @internal for FileView */
  viewEntry(file: string, root: SyntaxNode | undefined, source: string | undefined): Entry {
    const summary = root ? (source !== undefined ? summarizeParsed(root, source) : summarizeModule(root)) : this.entry(file)?.summary ?? emptySummary();
    return { file, key: '', summary, location: moduleLocation(file, this.files) };
  }

  /** @internal for FileView: the linted file's imports only (names it defines itself are not in it). */
  viewImportsEntry(file: string, imports: ModuleImports): Entry {
    return { file, key: '', summary: { ...emptySummary(), imports }, location: moduleLocation(file, this.files) };
  }

  /** @internal for FileView: the linted file with one of its own names summarised (a partial summary, never cached by content). */
  viewNameEntry(file: string, root: SyntaxNode, bindings: ModuleBindings, name: string): Entry {
    return { file, key: '', summary: summarizeModule(root, new Set([name]), bindings), location: moduleLocation(file, this.files) };
  }

  /** @internal for FileView */
  resolveIn(entry: Entry, dotted: string): Resolved | undefined {
    const dot = dotted.indexOf('.');
    const head = dot < 0 ? dotted : dotted.slice(0, dot);
    const rest = dot < 0 ? [] : dotted.slice(dot + 1).split('.');
    const summary = entry.summary;
    if (rest.length === 0) {
      if (summary.classes[head]) return { kind: 'class', entry, summary: summary.classes[head]! };
      if (summary.functions[head]) return { kind: 'function', entry, summary: summary.functions[head]! };
      if (summary.variables[head]) return { kind: 'variable', entry, built: summary.variables[head]! };
    }
    const bound = summary.imports.bindings[head];
    if (bound === undefined) {
      // `from pkg import *` in a notebook or script.
      for (const star of summary.imports.stars) {
        const module = absoluteName(star, entry.location.name, entry.location.isPackage);
        if (!module || this.libraries.has(module.split('.')[0]!)) continue;
        const found = this.lookup(`${module}.${dotted}`, entry.file);
        if (found && found.kind !== 'external') return found;
      }
      return undefined;
    }
    const target = absoluteName(bound, entry.location.name, entry.location.isPackage);
    return target ? this.lookup([target, ...rest].join('.'), entry.file) : undefined;
  }

  /** @internal for FileView */
  builtFromResolved(resolved: Resolved): ModelFacts | undefined {
    return this.builtFrom(resolved, new Set());
  }

  /** @internal for FileView */
  methodSummary(classKey: string, method: string): FunctionSummary | undefined {
    return this.findMethod(classKey, method);
  }

  /** @internal for FileView: a class of the linted file itself (its bases may be in other modules). */
  ownClassFacts(entry: Entry, cls: ClassSummary): ModelFacts | undefined {
    return this.classFacts(entry, cls, new Set());
  }
}

class FileView implements ProjectView {
  private entry: Entry | undefined;
  private bindings: ModuleBindings | undefined;
  private importsEntry: Entry | undefined;
  private readonly nameEntries = new Map<string, Entry>();

  constructor(
    private readonly index: ProjectIndex, private readonly file: string,
    private readonly root: SyntaxNode | undefined, private readonly source: string | undefined,
  ) {}

  private own(): Entry {
    return this.entry ??= this.index.viewEntry(this.file, this.root, this.source);
  }

  /**
   * The entry to resolve `dotted` in. A name the linted file imports, or does not bind at all,
   * resolves through its imports alone; a name it defines, through that one definition's summary.
   * The whole file's summary (every class and function) is made only for questions about callers. Most questions are of that kind (`F.relu`, `self.fc`,
   * `optimizer.step`), and the summary would cost as much as the rest of the lint.
   */
  private entryFor(dotted: string): Entry {
    if (this.entry || !this.root) return this.own();
    const bindings = this.bindings ??= moduleBindings(this.root);
    const dot = dotted.indexOf('.');
    const head = dot < 0 ? dotted : dotted.slice(0, dot);
    if (!bindings.globals.has(head)) return this.importsEntry ??= this.index.viewImportsEntry(this.file, bindings.imports);
    // A name of its own: that definition summarised, not the whole file.
    let entry = this.nameEntries.get(head);
    if (!entry) this.nameEntries.set(head, entry = this.index.viewNameEntry(this.file, this.root, bindings, head));
    return entry;
  }

  // A view lives for one lint, while the index does not change: the same callee (`F.relu`,
  // `self.fc`) is asked about at every call, so each answer is kept for the view's lifetime.
  private readonly builtAnswers = new Map<string, ModelFacts | undefined>();
  private readonly effectAnswers = new Map<string, { params: string[]; effects: ModeEffect[] } | undefined>();

  built(dotted: string): ModelFacts | undefined {
    if (this.builtAnswers.has(dotted)) return this.builtAnswers.get(dotted);
    const resolved = this.index.resolveIn(this.entryFor(dotted), dotted);
    const answer = resolved ? this.index.builtFromResolved(resolved) : undefined;
    this.builtAnswers.set(dotted, answer);
    return answer;
  }

  functionEffects(dotted: string): { params: string[]; effects: ModeEffect[] } | undefined {
    if (this.effectAnswers.has(dotted)) return this.effectAnswers.get(dotted);
    const answer = this.findFunctionEffects(dotted);
    this.effectAnswers.set(dotted, answer);
    return answer;
  }

  private findFunctionEffects(dotted: string): { params: string[]; effects: ModeEffect[] } | undefined {
    // `Block()` where this file defines class Block: a class is not a function, whatever it contains.
    if (!this.entry && this.root && !dotted.includes('.') && (this.bindings ??= moduleBindings(this.root)).classes.has(dotted)) return undefined;
    const resolved = this.index.resolveIn(this.entryFor(dotted), dotted);
    if (resolved?.kind !== 'function') return undefined;
    return { params: resolved.summary.params, effects: resolved.summary.effects };
  }

  methodEffects(classKey: string, method: string): { params: string[]; effects: ModeEffect[] } | undefined {
    const found = this.index.methodSummary(classKey, method);
    return found ? { params: found.params, effects: found.effects } : undefined;
  }

  passedModel(target: { cls?: string; fn?: string }, param: string): ModelFacts | undefined {
    return this.index.passedModel(this.file, target, param, this.own());
  }
}

function sameSummary(a: ModuleSummary | undefined, b: ModuleSummary | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  // Positions do not change what a module offers: typing above a class does not re-lint its importers.
  const withoutPositions = (key: string, value: unknown) => (key === 'line' || key === 'lines' ? undefined : value);
  return JSON.stringify(a, withoutPositions) === JSON.stringify(b, withoutPositions);
}
