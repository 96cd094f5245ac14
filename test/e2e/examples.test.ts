// The examples/ workspace that `npm start` opens, seen in the workbench: the Problems panel lists
// DRP010 on exactly the lines of mlp_invalid_rates.py whose comments say `# DRP010`.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { BUDGET, REPO_ROOT, Workbench } from './workbench';

const EXAMPLES = path.join(REPO_ROOT, 'examples');
const FILE = 'mlp_invalid_rates.py';

describe('examples/ workspace in VS Code', function () {
  this.timeout(3 * BUDGET.host);
  let workbench: Workbench | undefined;

  before(async () => {
    workbench = await Workbench.open({ folder: EXAMPLES });
  });
  after(async () => {
    await workbench?.close();
  });

  it(`shows DRP010 in the Problems panel on the lines of ${FILE} marked # DRP010`, async () => {
    const wb = workbench!;
    const marked = fs.readFileSync(path.join(EXAMPLES, FILE), 'utf8').split('\n')
      .flatMap((text, index) => (/#.*\bDRP010\b/.test(text) ? [index + 1] : []));
    assert.ok(marked.length >= 3, `expected at least three marked lines, found ${marked.length}`);

    await wb.openFile(FILE);
    const rows = await wb.waitForProblems((r) => r.filter((p) => p.file === FILE && p.code === 'DRP010').length >= marked.length)
      .catch((error: Error) => { throw new Error(`${error.message}\n${wb.diagnosticsText()}`); });
    await wb.screenshot('examples-problems-panel');
    const drp010 = rows.filter((p) => p.file === FILE && p.code === 'DRP010');
    assert.deepStrictEqual(drp010.map((p) => p.line).sort((a, b) => a - b), marked);
    assert.ok(drp010.every((p) => p.severity === 'error' && p.source === 'Dropout Lab'), JSON.stringify(drp010));
  });
});
