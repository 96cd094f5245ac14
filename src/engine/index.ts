// Public surface of the engine (pure TypeScript, no `vscode`): the worker protocol and its types,
// `runExperiment` (what the worker, the CLI and tests call), and the building blocks below it.
export * from './protocol';
