// Public surface of the linter core (no `vscode` import).
export * from './types';
export * from './ruleTable';
export { loadPython, createPythonParser, isPythonLoaded } from './parser';
export {
  lintSource, lintTree, lintTreeSafely, lintText, enabledRules, sortFindings, sizeLimitNotice,
  DEFAULT_MAX_FILE_BYTES, DEFAULT_PARSE_TIMEOUT_MS,
  type LintOptions, type LintResult, type RuleFailure,
} from './linter';
export { applySuppressions, collectSuppressions, noqaEdit, parseNoqaComment, type Suppression } from './suppressions';
export {
  ConfigError, findProjectConfig, loadConfigFile, layerFromPyprojectText, parseSettings, resolveLintOptions, expandSelector, matchesGlob, isExcluded,
  type ConfigLayer, type Settings, type SettingsStyle, type SeveritySetting, type PerFileIgnore,
} from './config';
export {
  NotebookError, notebookSource, readNotebookCells, joinCells, blankMagics, mapFindingsToCells, toCellRange, cellAt, isPythonNotebook,
  type NotebookSource, type NotebookCell, type CellSpan,
} from './notebook';
export { applyEdits, nonOverlappingFixes, fixSource, errorCount, EditConflictError, type FixResult, type AppliedFix, type RefusedFix } from './fixes';
export { IncrementalLinter, type DocumentChange, type IncrementalLinterOptions } from './incremental';
export { lintFile, lintFileContents, decodeSource, type FileReport } from './lintFile';
export { LintWorkerPool, type LintWorkerPoolOptions } from './workerPool';
