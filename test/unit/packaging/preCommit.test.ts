// The pre-commit hook (.pre-commit-hooks.yaml) run by the real `pre-commit` (Debian's package;
// .ci/run installs it): `pre-commit try-repo <this repository> dropout-lab --all-files` in a scratch
// git repository, as a user trying the hook before adding it to .pre-commit-config.yaml. pre-commit's
// node support installs this repository with npm (npm install, npm pack, npm install -g of the
// tarball into its own environment), so this also checks that the repository installs as a package.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir, writeFiles } from '../lint/tempFiles';
import { REPO_ROOT, run, type ProcessRun } from './processes';

const BUGGY = 'import torch.nn as nn\nlayer = nn.Dropout(1.5)\n';
const FIXED = 'import torch.nn as nn\nlayer = nn.Dropout(0.5)\n';

/**
 * This checkout as one commit of a fresh repository: what is committed plus uncommitted and new
 * (not ignored) files, so the hook is tried as the working copy stands. (`pre-commit try-repo`
 * snapshots a dirty checkout itself, but leaves new files out.)
 */
function snapshotOfCheckout(): string {
  const shadow = tempDir('dropout-lab-hook-repo-');
  const git = (cwd: string, ...args: string[]) => {
    const result = run('git', args, cwd, IDENTITY);
    assert.strictEqual(result.code, 0, `git ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  git(shadow, 'clone', '-q', '--no-hardlinks', REPO_ROOT, '.');
  const list = (...args: string[]) => git(REPO_ROOT, 'ls-files', '-z', ...args).split('\0').filter(Boolean);
  const deleted = new Set(list('--deleted'));
  for (const file of deleted) fs.rmSync(path.join(shadow, file), { force: true });
  for (const file of list('--modified', '--others', '--exclude-standard')) {
    if (deleted.has(file)) continue;
    fs.mkdirSync(path.dirname(path.join(shadow, file)), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, file), path.join(shadow, file));
  }
  git(shadow, 'add', '-A');
  git(shadow, 'commit', '-q', '--allow-empty', '--no-verify', '-m', 'checkout under test');
  return shadow;
}

const IDENTITY = { GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.com' };

function notebook(source: string): string {
  return JSON.stringify({
    cells: [
      { cell_type: 'markdown', metadata: {}, source: ['# A model\n'] },
      { cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: source.split(/(?<=\n)/) },
    ],
    metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
    nbformat: 4,
    nbformat_minor: 5,
  }, null, 1);
}

describe('pre-commit hook (pre-commit try-repo)', function () {
  // try-repo installs the hook's environment in a fresh store every run: npm install of this
  // repository's dev dependencies (from npm's cache), its build, npm pack and a global install of
  // the tarball (about 2 minutes here).
  this.timeout(900_000);
  let scratch: string;
  let hookRepo: string;
  let env: NodeJS.ProcessEnv;

  const git = (...args: string[]) => {
    const result = run('git', args, scratch, env);
    assert.strictEqual(result.code, 0, `git ${args.join(' ')}: ${result.stderr}`);
  };
  const tryRepo = (): ProcessRun => run('pre-commit', ['try-repo', hookRepo, 'dropout-lab', '--all-files', '--color', 'never'], scratch, env, 880_000);

  before(function () {
    const version = run('pre-commit', ['--version'], REPO_ROOT);
    assert.strictEqual(version.code, 0, `pre-commit is not installed (${version.stderr.trim()}): install Debian's package with \`apt-get install pre-commit\`; .ci/run does`);
    scratch = tempDir('dropout-lab-pre-commit-');
    env = {
      // Its own cache of hook environments, so each run installs the hook from this checkout.
      PRE_COMMIT_HOME: path.join(tempDir('dropout-lab-pre-commit-home-')),
      // npm may take what its cache already holds (npm ci filled it) without asking the registry again.
      npm_config_prefer_offline: 'true',
      ...IDENTITY,
    };
    hookRepo = snapshotOfCheckout();
    git('init', '-q');
  });

  it('fails on a buggy model file and notebook, naming the rule; other file types are not passed to it', () => {
    writeFiles(scratch, { 'model.py': BUGGY, 'analysis.ipynb': notebook(BUGGY), 'notes.txt': BUGGY });
    git('add', '.');
    const result = tryRepo();
    const output = result.stdout + result.stderr;
    assert.strictEqual(result.code, 1, output);
    assert.match(output, /^dropout-lab\.+Failed$/m);
    assert.match(output, /^model\.py:2:20: DRP010 Invalid dropout rate p=1\.5/m);
    // The notebook's second cell (the first is markdown), line 2 of that cell.
    assert.match(output, /^analysis\.ipynb:cell 2:2:20: DRP010 /m);
    assert.doesNotMatch(output, /notes\.txt/);
  });

  it('passes once the files are fixed', () => {
    writeFiles(scratch, { 'model.py': FIXED, 'analysis.ipynb': notebook(FIXED) });
    git('add', '.');
    const result = tryRepo();
    const output = result.stdout + result.stderr;
    assert.strictEqual(result.code, 0, output);
    assert.match(output, /^dropout-lab\.+Passed$/m);
    assert.doesNotMatch(output, /DRP\d{3}/);
  });
});
