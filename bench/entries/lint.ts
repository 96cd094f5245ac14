// What the lint benchmarks load: the linter core, bundled and minified like the extension.
export { loadPython, createPythonParser, lintSource } from '../../src/lint/index';
export { IncrementalLinter } from '../../src/lint/incremental';
export { ProjectIndex } from '../../src/lint/project/index';
export { usesMemoryWalk } from '../../src/lint/snapshot';
