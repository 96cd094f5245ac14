// Child processes for the packaging tests (npm, npx, git, pre-commit, nvim), run as a user would.
import { spawnSync } from 'child_process';
import * as path from 'path';

/** The repository root (tests run from out/test/unit/packaging/). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

export interface ProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `command` to completion. Variables that `npm test` itself sets (npm_config_*, npm_package_*,
 * npm_lifecycle_*) are dropped so that npm and npx behave as in a user's shell, not as a script of
 * this package.
 */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, timeoutMs = 280_000): ProcessRun {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_(config|package|lifecycle)_/i.test(name) && name !== 'INIT_CWD'));
  const result = spawnSync(command, args, { cwd, env: { ...inherited, ...env }, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) return { code: null, stdout: result.stdout ?? '', stderr: `${result.stderr ?? ''}\n${command}: ${result.error.message}` };
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
