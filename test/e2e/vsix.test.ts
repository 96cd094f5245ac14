// The packaged extension, as users get it: `npm run package` writes dropout-lab.vsix with only what
// runs, and that .vsix, installed into the offline VS Code server, activates and lints.
import * as assert from 'assert';
import * as childProcess from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BUDGET, REPO_ROOT, Workbench } from './workbench';

const VSIX = path.join(REPO_ROOT, 'dropout-lab.vsix');

/** Entry names of a zip archive, read from its central directory. */
function zipEntries(file: string): string[] {
  const data = fs.readFileSync(file);
  // The end-of-central-directory record (signature 0x06054b50) sits in the last 64 KiB + 22 bytes.
  let end = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 65557); i--) {
    if (data.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error(`${file} is not a zip archive`);
  const count = data.readUInt16LE(end + 10);
  let offset = data.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let n = 0; n < count; n++) {
    if (data.readUInt32LE(offset) !== 0x02014b50) throw new Error(`corrupt central directory in ${file}`);
    const nameLength = data.readUInt16LE(offset + 28);
    const extraLength = data.readUInt16LE(offset + 30);
    const commentLength = data.readUInt16LE(offset + 32);
    names.push(data.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

describe('packaged .vsix', function () {
  // Packaging (up to 3 min) plus a workbench start and a lint, each on a possibly busy machine.
  this.timeout(180000 + 2 * BUDGET.host);

  before(function () {
    // Package exactly as a user would; the run fails here with vsce's message if packaging breaks.
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const result = childProcess.spawnSync(npm, ['run', 'package'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 180000 });
    assert.strictEqual(result.status, 0, `npm run package failed:\n${result.stdout}\n${result.stderr}`);
    assert.ok(fs.existsSync(VSIX), `npm run package did not write ${VSIX}`);
  });

  it('contains only dist/, media/, package.json, README, CHANGELOG and LICENSE', () => {
    const files = zipEntries(VSIX).filter((name) => name.startsWith('extension/')).map((name) => name.slice('extension/'.length));
    const allowed = /^(dist\/.+|media\/.+|package\.json|readme\.md|changelog\.md|license(\.txt|\.md)?)$/i;
    assert.deepStrictEqual(files.filter((f) => !allowed.test(f)), [], 'files outside the allowed set');
    assert.deepStrictEqual(files.filter((f) => f.endsWith('.map')), [], 'source maps are shipped');
    for (const needed of ['package.json', 'dist/extension.js', 'dist/lintServerWorker.js', 'dist/cli.js', 'dist/tree-sitter.wasm', 'dist/tree-sitter-python.wasm']) {
      assert.ok(files.includes(needed), `${needed} is missing from the .vsix`);
    }
  });

  describe('installed into VS Code', () => {
    let workbench: Workbench | undefined;
    before(async () => {
      workbench = await Workbench.open({ vsix: VSIX });
    });
    after(async () => {
      await workbench?.close();
    });

    it('is installed from the .vsix, not loaded from the source tree', () => {
      const installed = fs.readdirSync(workbench!.server.extensionsDir).filter((d) => d.startsWith('dropout-lab.dropout-lab-'));
      const version = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version;
      assert.deepStrictEqual(installed, [`dropout-lab.dropout-lab-${version}`]);
    });

    it('activates on a Python file and shows DRP010 in the Problems panel', async () => {
      const wb = workbench!;
      await wb.openFile('invalid_rate.py');
      const rows = await wb.waitForProblems((r) => r.some((p) => p.code === 'DRP010')).catch((error: Error) => {
        throw new Error(`${error.message}\n${wb.diagnosticsText()}`);
      });
      await wb.screenshot('vsix-problems-panel');
      const drp010 = rows.filter((p) => p.code === 'DRP010');
      // The fixture's line 9 is `        self.drop = nn.Dropout(p=1.5)`; `1.5` starts at column 34 (1-based).
      assert.deepStrictEqual(drp010.map((p) => [p.file, p.line, p.column, p.severity, p.source]), [
        ['invalid_rate.py', 9, 34, 'error', 'Dropout Lab'],
      ]);
      assert.match(drp010[0].message, /p=1\.5/);
    });
  });
});
