// Precision on real code nobody here wrote: Debian's PyTorch, torchvision, torchaudio, torchtext,
// keras-applications, skorch and thinc sources (~1,700 files of expert model code) must lint with no
// warning or error, and every information/hint finding there must be one a person reviewed and judged
// right by the rule's rationale (debian-reviewed.json says why for each). A new finding on this corpus
// is presumed a false alarm until someone reads the code and adds it there with a reason.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { collectFiles } from '../../../src/cli/lintCommand';
import { findProjectConfig, resolveLintOptions, type ConfigLayer } from '../../../src/lint/config';
import type { FileReport } from '../../../src/lint/lintFile';
import { LintWorkerPool } from '../../../src/lint/workerPool';

const DIST_PACKAGES = '/usr/lib/python3/dist-packages';
/** Folder under dist-packages → the Debian package that installs it. */
const CORPUS: Record<string, string> = {
  torch: 'python3-torch',
  torchvision: 'python3-torchvision',
  torchaudio: 'python3-torchaudio',
  torchtext: 'python3-torchtext',
  keras_applications: 'python3-keras-applications',
  skorch: 'python3-skorch',
  thinc: 'python3-thinc',
};
const REVIEWED_FILE = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'lint', 'debian-reviewed.json');
const WORKER = path.resolve(__dirname, '../../../src/lint/worker.js');

interface Reviewed {
  /** Path under dist-packages. */
  file: string;
  line: number;
  rule: string;
  /** Why the finding is right by the rule's rationale (a person read the code). */
  judgement: string;
}

const key = (file: string, line: number, rule: string) => `${file}:${line} ${rule}`;

describe('precision on Debian\'s model sources (python3-torch, -torchvision, -torchaudio, -torchtext, -keras-applications, -skorch, -thinc)', function () {
  // ~1,700 files; about 20 s of CPU on one core, split over the worker pool.
  this.timeout(300_000);
  let reports: FileReport[] = [];

  before(async function () {
    const missing = Object.entries(CORPUS).filter(([folder]) => !fs.existsSync(path.join(DIST_PACKAGES, folder)));
    if (missing.length) {
      throw new Error(`the precision corpus is not installed: ${missing.map(([folder, pkg]) => `${pkg} (${DIST_PACKAGES}/${folder})`).join(', ')}. `
        + `Install it with: apt-get install ${missing.map(([, pkg]) => pkg).join(' ')}  (.ci/run does this)`);
    }
    const configs = new Map<string, ConfigLayer | null>();
    const files = collectFiles(Object.keys(CORPUS).map((folder) => path.join(DIST_PACKAGES, folder)));
    const pool = new LintWorkerPool({ workerScript: WORKER, size: Math.max(1, Math.min(2, os.cpus().length)) });
    try {
      // As the CLI lints: each file with the project index (models, builders and helpers of other modules).
      reports = await pool.lintFiles(files.map((file) => ({ file, options: resolveLintOptions([findProjectConfig(file, configs)], file), project: { roots: [] } })));
    } finally {
      await pool.dispose();
    }
  });

  it('lints the whole corpus (more than 1,500 files) without a failed file or crashed rule', () => {
    assert.ok(reports.length > 1500, `only ${reports.length} files found`);
    const broken = reports.flatMap((r) => [
      ...(r.error ? [`${r.file}: ${r.error}`] : []),
      ...r.failures.map((f) => `${r.file}: ${JSON.stringify(f)}`),
    ]);
    assert.deepStrictEqual(broken, []);
  });

  it('has no warning or error anywhere', () => {
    const loud = reports.flatMap((r) => r.findings
      .filter((f) => f.severity === 'warning' || f.severity === 'error')
      .map((f) => `${path.relative(DIST_PACKAGES, r.file)}:${f.range.start.line + 1} ${f.rule} ${f.message}`));
    assert.deepStrictEqual(loud, [], `false alarms on expert-written code:\n${loud.join('\n')}`);
  });

  it('reports exactly the reviewed information/hint findings', () => {
    const reviewed = JSON.parse(fs.readFileSync(REVIEWED_FILE, 'utf8')) as Reviewed[];
    for (const r of reviewed) assert.ok(r.judgement.length > 20, `${key(r.file, r.line, r.rule)} has no judgement`);
    const quiet = reports.flatMap((r) => r.findings
      .filter((f) => f.severity === 'information' || f.severity === 'hint')
      .map((f) => key(path.relative(DIST_PACKAGES, r.file), f.range.start.line + 1, f.rule)));
    const expected = reviewed.map((r) => key(r.file, r.line, r.rule));
    const unreviewed = quiet.filter((k) => !expected.includes(k));
    const gone = expected.filter((k) => !quiet.includes(k));
    assert.deepStrictEqual({ unreviewed, gone }, { unreviewed: [], gone: [] },
      'unreviewed: new findings nobody has judged (read the code; add them to debian-reviewed.json with a reason, or fix the rule); '
      + 'gone: reviewed findings that are no longer reported (remove them from debian-reviewed.json if that is intended)');
  });
});
