// src/lint is layered one way: a file imports only from its own layer or lower ones, never in a
// circle, and the pure cores (src/lint, src/engine) never import `vscode`. The import graph is read
// with the TypeScript compiler (type-only imports count: a cycle through types still ties the
// modules together). DEVELOPERS.md ("Layers of src/lint") describes the same table.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '../../../..');
const LINT = path.join(ROOT, 'src/lint');

interface Layer {
  name: string;
  /** Paths relative to src/lint; `dir/*` is every file of that folder. */
  files: readonly string[];
  /** Files of this layer may not import each other (rules are independent of one another). */
  isolated?: boolean;
}

/** Lowest first. A new file of src/lint needs a row here. */
const LAYERS: readonly Layer[] = [
  { name: 'data', files: ['types.ts', 'ruleTable.ts', 'heapSize.ts'] },
  { name: 'syntax', files: ['snapshot.ts', 'parser.ts', 'syntax.ts', 'resolve.ts', 'flow/pySyntax.ts'] },
  { name: 'frameworks', files: ['frameworks.ts', 'model/catalog.ts', 'model/graphTypes.ts'] },
  { name: 'project index', files: ['project/*'] },
  { name: 'rule API', files: ['rule.ts'] },
  {
    name: 'analyses',
    files: ['modelGraph.ts', 'model/builder.ts', 'model/interpreter.ts', 'model/values.ts', 'model/ruleSupport.ts', 'modeFlow.ts', 'flow/modelInfo.ts', 'flow/manualDropouts.ts'],
  },
  { name: 'rules', files: ['rules/DRP*'], isolated: true },
  { name: 'registry', files: ['rules/index.ts'] },
  {
    name: 'lint entry',
    files: [
      'linter.ts', 'suppressions.ts', 'fixes.ts', 'incremental.ts', 'notebook.ts', 'notebookFixes.ts', 'lintFile.ts', 'fixFile.ts',
      'config.ts', 'workerPool.ts', 'worker.ts', 'ruleArtifacts.ts', 'index.ts',
    ],
  },
];

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(full));
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out.sort();
}

/** Every module a file names: import/export ... from, import type, import(), require(). */
function importSpecifiers(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((ref) => ref.fileName);
}

/** src/lint-relative file → the src/lint-relative files it imports (relative imports inside src/lint only). */
function lintImportGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of tsFiles(LINT)) {
    const targets = new Set<string>();
    for (const spec of importSpecifiers(file)) {
      if (!spec.startsWith('.')) continue;
      const base = path.resolve(path.dirname(file), spec);
      const target = [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => fs.existsSync(candidate));
      if (target && target.startsWith(LINT + path.sep)) targets.add(path.relative(LINT, target).split(path.sep).join('/'));
    }
    graph.set(path.relative(LINT, file).split(path.sep).join('/'), [...targets].sort());
  }
  return graph;
}

function matches(pattern: string, file: string): boolean {
  if (!pattern.includes('*')) return pattern === file;
  const [prefix, suffix] = pattern.split('*') as [string, string];
  return file.startsWith(prefix) && file.endsWith(suffix) && !file.slice(prefix.length).includes('/');
}

function layerOf(file: string): number | undefined {
  // rules/index.ts is named exactly, so it wins over a folder pattern that also covers it.
  const exact = LAYERS.findIndex((layer) => layer.files.includes(file));
  if (exact >= 0) return exact;
  const byPattern = LAYERS.findIndex((layer) => layer.files.some((pattern) => matches(pattern, file)));
  return byPattern >= 0 ? byPattern : undefined;
}

/** Strongly connected components with more than one file (Tarjan), each as one cycle path. */
function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, counter);
    low.set(file, counter);
    counter++;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    const selfImport = component.length === 1 && (graph.get(file) ?? []).includes(file);
    if (component.length > 1 || selfImport) components.push(component);
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  // Name one concrete circle per component: a path from its first file back to itself.
  return components.map((component) => {
    const members = new Set(component);
    const start = [...component].sort()[0]!;
    const previous = new Map<string, string>();
    const queue = [start];
    while (queue.length) {
      const file = queue.shift()!;
      for (const target of graph.get(file) ?? []) {
        if (!members.has(target)) continue;
        if (target === start) {
          const cycle = [file];
          while (cycle[0] !== start) cycle.unshift(previous.get(cycle[0]!)!);
          return [...cycle, start];
        }
        if (!previous.has(target)) {
          previous.set(target, file);
          queue.push(target);
        }
      }
    }
    return [...component, component[0]!];
  });
}

describe('src/lint layering', () => {
  const graph = lintImportGraph();

  it('reads a real import graph (the linter reaches the rule registry and the rules the rule API)', () => {
    assert.ok(graph.size >= 40, `only ${graph.size} files found under ${LINT}`);
    assert.ok(graph.get('linter.ts')?.includes('rules/index.ts'), 'linter.ts should import the rule registry');
    assert.ok(graph.get('rules/DRP001.ts')?.includes('rule.ts'), 'rules/DRP001.ts should import rule.ts');
  });

  it('has no import cycles', () => {
    const cycles = importCycles(graph);
    assert.deepStrictEqual(cycles.map((cycle) => cycle.join(' -> ')), [], 'import cycles in src/lint (break them by moving code down a layer)');
  });

  it('places every file of src/lint in exactly one layer of the table', () => {
    const unplaced = [...graph.keys()].filter((file) => layerOf(file) === undefined);
    assert.deepStrictEqual(unplaced, [], 'add these files to LAYERS in test/unit/lint/layering.test.ts and to DEVELOPERS.md');
  });

  it('imports only from the same layer or lower ones; rules never import other rules', () => {
    const violations: string[] = [];
    for (const [file, targets] of graph) {
      const from = layerOf(file);
      if (from === undefined) continue;
      for (const target of targets) {
        const to = layerOf(target);
        if (to === undefined) continue;
        if (to > from) violations.push(`${file} (${LAYERS[from]!.name}) imports ${target} (${LAYERS[to]!.name}, a higher layer)`);
        else if (to === from && LAYERS[from]!.isolated) violations.push(`${file} imports ${target}: files of layer '${LAYERS[from]!.name}' may not import each other`);
      }
    }
    assert.deepStrictEqual(violations, [], 'imports against the layer order of src/lint');
  });

  it('keeps src/lint and src/engine free of vscode', () => {
    const offenders: string[] = [];
    for (const dir of ['src/lint', 'src/engine']) {
      for (const file of tsFiles(path.join(ROOT, dir))) {
        if (importSpecifiers(file).some((spec) => spec === 'vscode' || spec.startsWith('vscode/'))) offenders.push(path.relative(ROOT, file));
      }
    }
    assert.deepStrictEqual(offenders, [], 'these files import vscode; only src/extension may');
  });

  it('names the files of a cycle in order, including through type-only imports', () => {
    const made = new Map<string, string[]>([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['a.ts']]]);
    assert.deepStrictEqual(importCycles(made), [['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
    const source = "import type { X } from './x';\nexport { Y } from './y';\nconst z = require('./z');\n";
    const refs = ts.preProcessFile(source, true, true).importedFiles.map((ref) => ref.fileName);
    assert.deepStrictEqual(refs, ['./x', './y', './z']);
  });
});
