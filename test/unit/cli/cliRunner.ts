// Runs the compiled CLI (out/src/cli/main.js) in a child process, for end-to-end tests.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';

const CLI = path.resolve(__dirname, '../../../src/cli/main.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], cwd: string): CliRun {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 300_000, maxBuffer: 256 * 1024 * 1024 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function assertNoStackTrace(run: CliRun): void {
  assert.doesNotMatch(run.stderr, /\n\s+at .+:\d+:\d+\)?/, `stack trace in stderr:\n${run.stderr.slice(0, 2000)}`);
  assert.doesNotMatch(run.stdout, /\n\s+at .+:\d+:\d+\)?/, 'stack trace in stdout');
}
