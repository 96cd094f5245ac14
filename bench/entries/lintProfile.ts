// What the lint profilers load: the linter plus its rule list, so each rule can be timed.
export { loadPython, createPythonParser, lintSource } from '../../src/lint/index';
export { ALL_RULES } from '../../src/lint/rules';
export { IncrementalLinter } from '../../src/lint/incremental';
export { ProjectIndex } from '../../src/lint/project';
