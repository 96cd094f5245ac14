// What a module's import statements bind, the way Python binds them, including relative imports
// (which the per-file linter ignores): `from .models import Net` binds `Net` to `.models.Net`;
// `import pkg.mod as m` binds `m` to `pkg.mod`; `import pkg.mod` binds `pkg`; `from x import *`
// records `x`. Relative names keep their leading dots here (they depend on where the file lives,
// not on its text) and are made absolute by `absoluteName` once the module's name is known.
import type { SyntaxNode } from '../parser';
import { nodesOfType } from '../syntax';

export interface ModuleImports {
  /** local name -> dotted target (absolute, or relative with leading dots) */
  bindings: Record<string, string>;
  /** `from M import *` targets, in order. */
  stars: string[];
}

/** Every import statement of the tree (module level and nested, not inside strings), in source order. */
function importStatements(root: SyntaxNode): SyntaxNode[] {
  // The tree's own index of nodes by type (a snapshot has it already), merged back into source order.
  const found = [...nodesOfType(root, 'import_statement'), ...nodesOfType(root, 'import_from_statement')];
  return found.sort((a, b) => a.startIndex - b.startIndex);
}

/** The module text of `from X import ...`: `pkg.mod`, `.`, `..models`. */
function fromModule(node: SyntaxNode): string | undefined {
  const moduleNode = node.childForFieldName('module_name');
  if (!moduleNode) return undefined;
  return moduleNode.text.replace(/\s+/g, '');
}

function joinName(module: string, name: string): string {
  return /\.$/.test(module) ? `${module}${name}` : `${module}.${name}`;
}

export function collectModuleImports(root: SyntaxNode): ModuleImports {
  const bindings: Record<string, string> = Object.create(null) as Record<string, string>;
  const stars: string[] = [];
  for (const statement of importStatements(root)) {
    if (statement.type === 'import_statement') {
      for (const child of statement.namedChildren) {
        if (!child) continue;
        if (child.type === 'dotted_name') {
          const head = child.namedChildren[0]?.text;
          if (head) bindings[head] = head;
        } else if (child.type === 'aliased_import') {
          const name = child.childForFieldName('name')?.text;
          const alias = child.childForFieldName('alias')?.text;
          if (name && alias) bindings[alias] = name;
        }
      }
      continue;
    }
    const module = fromModule(statement);
    if (!module) continue;
    const moduleNode = statement.childForFieldName('module_name');
    for (const child of statement.namedChildren) {
      if (!child || (moduleNode && child.startIndex === moduleNode.startIndex && child.endIndex === moduleNode.endIndex)) continue;
      if (child.type === 'wildcard_import') stars.push(module);
      else if (child.type === 'dotted_name') bindings[child.text] = joinName(module, child.text);
      else if (child.type === 'aliased_import') {
        const name = child.childForFieldName('name')?.text;
        const alias = child.childForFieldName('alias')?.text;
        if (name && alias) bindings[alias] = joinName(module, name);
      }
    }
  }
  return { bindings, stars };
}

/**
 * The absolute dotted name of `target` as written in module `moduleName` (a package's
 * `__init__` when `isPackage`): `.models.Net` in `pkg.train` is `pkg.models.Net`. Undefined when
 * the dots climb above the top-level package (Python raises ImportError there).
 */
export function absoluteName(target: string, moduleName: string, isPackage: boolean): string | undefined {
  if (!target.startsWith('.')) return target;
  const dots = /^\.+/.exec(target)![0].length;
  const rest = target.slice(dots);
  const parts = moduleName ? moduleName.split('.') : [];
  // The package the module lives in: itself for an __init__, else its parent.
  const packageParts = isPackage ? parts : parts.slice(0, -1);
  const up = dots - 1;
  if (up > packageParts.length || (packageParts.length === 0 && !rest)) return undefined;
  const base = packageParts.slice(0, packageParts.length - up);
  const joined = [...base, ...(rest ? rest.split('.') : [])].join('.');
  return joined || undefined;
}
