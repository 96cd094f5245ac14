// The GitHub code scanning example (docs/ci/github-code-scanning.yml, also shown in the README):
// its lint step is run here with bash as GitHub runs it (`bash -e -o pipefail`), with `dropout-lab`
// on PATH, and the SARIF it writes is what the upload step is given and is valid SARIF 2.1.0.
import * as assert from 'assert';
import * as fs from 'fs';
import * as yaml from 'js-yaml';
import * as path from 'path';
import { sarifSchemaErrors } from '../cli/sarifSchema';
import { tempDir, writeFiles } from '../lint/tempFiles';
import { REPO_ROOT, run } from './processes';

const WORKFLOW = path.join(REPO_ROOT, 'docs', 'ci', 'github-code-scanning.yml');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  permissions: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
}

function steps(): Step[] {
  const workflow = yaml.load(fs.readFileSync(WORKFLOW, 'utf8')) as Workflow;
  const jobs = Object.values(workflow.jobs);
  assert.strictEqual(jobs.length, 1);
  return jobs[0].steps;
}

/** Runs the workflow's lint step in `project` with this checkout's CLI as `dropout-lab` on PATH. */
function runLintStep(project: string) {
  const lint = steps().find((step) => step.run?.includes('dropout-lab lint'));
  assert.ok(lint?.run, 'no step runs dropout-lab lint');
  const bin = tempDir('dropout-lab-bin-');
  fs.writeFileSync(path.join(bin, 'dropout-lab'), `#!/bin/sh\nexec "${process.execPath}" "${path.join(REPO_ROOT, 'bin', 'dropout-lab.js')}" "$@"\n`, { mode: 0o755 });
  return run('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', lint.run], project, { PATH: `${bin}${path.delimiter}${process.env.PATH}` });
}

describe('CI example: GitHub code scanning workflow', function () {
  this.timeout(120_000);

  it('uploads with github/codeql-action/upload-sarif the file its lint step writes, with the permission that needs', () => {
    const all = steps();
    const upload = all.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@'));
    assert.ok(upload, 'no upload-sarif step');
    const lint = all.find((step) => step.run?.includes('dropout-lab lint'));
    assert.ok(all.indexOf(lint!) < all.indexOf(upload), 'upload before lint');
    const written = /--format sarif > (\S+)/.exec(lint!.run!)?.[1];
    assert.strictEqual(upload.with?.sarif_file, written);
    assert.strictEqual((yaml.load(fs.readFileSync(WORKFLOW, 'utf8')) as Workflow).permissions['security-events'], 'write');
  });

  it('its lint step carries on over findings and writes valid SARIF with them', () => {
    const project = tempDir('dropout-lab-ci-');
    writeFiles(project, { 'models/net.py': 'import torch.nn as nn\nlayer = nn.Dropout(1.5)\n', 'clean.py': 'import torch.nn as nn\nlayer = nn.Dropout(0.5)\n' });
    const step = runLintStep(project);
    assert.strictEqual(step.code, 0, step.stderr);
    const log = JSON.parse(fs.readFileSync(path.join(project, 'dropout-lab.sarif'), 'utf8'));
    assert.deepStrictEqual(sarifSchemaErrors(log), []);
    const results = log.runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[];
    // Code scanning places an alert by the path relative to the checkout and the line.
    assert.deepStrictEqual(results.map((r) => [r.ruleId, r.locations[0].physicalLocation.artifactLocation.uri, r.locations[0].physicalLocation.region.startLine]), [['DRP010', 'models/net.py', 2]]);
  });

  it('its lint step fails the job on a configuration error instead of uploading nothing', () => {
    const project = tempDir('dropout-lab-ci-');
    writeFiles(project, { 'pyproject.toml': '[tool.dropout-lab]\nselect = ["DRP999"]\n', 'm.py': 'import torch.nn as nn\n' });
    const step = runLintStep(project);
    assert.notStrictEqual(step.code, 0);
    assert.match(step.stderr, /DRP999/);
  });

  it('is the workflow the README shows', () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    assert.ok(readme.includes(`\`\`\`yaml\n${fs.readFileSync(WORKFLOW, 'utf8')}\`\`\``), 'README.md does not show docs/ci/github-code-scanning.yml as it is');
  });
});
