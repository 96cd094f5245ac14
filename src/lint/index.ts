// Public surface of the linter core (no `vscode` import).
export * from './types';
export * from './ruleTable';
export { loadPython, createPythonParser, isPythonLoaded } from './parser';
export { lintSource, lintTree, enabledRules, type LintOptions } from './linter';
