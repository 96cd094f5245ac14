// Fixture access for the structural-rule tests (DRP001/006/007/008/013/014/015/017): read a
// fixture, find where a snippet sits in it (the expected position, computed from the text, not
// from the linter), and apply a finding's fix.
import * as fs from 'fs';
import * as path from 'path';
import { applyEdits } from '../../../src/lint/fixes';
import type { Finding } from '../../../src/lint';

export function fixture(rule: string, name: string): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'test', 'fixtures', 'lint', rule, name);
    if (fs.existsSync(candidate)) return fs.readFileSync(candidate, 'utf8');
  }
  return fs.readFileSync(path.join(process.cwd(), 'test', 'fixtures', 'lint', rule, name), 'utf8');
}

/** 1-based `line:column` of the `occurrence`-th appearance of `snippet`. */
export function where(source: string, snippet: string, occurrence = 1): string {
  let index = -1;
  for (let i = 0; i < occurrence; i++) {
    index = source.indexOf(snippet, index + 1);
    if (index < 0) throw new Error(`snippet not found: ${snippet} (#${occurrence})`);
  }
  const before = source.slice(0, index);
  const line = before.split('\n').length;
  const column = index - (before.lastIndexOf('\n') + 1) + 1;
  return `${line}:${column}`;
}

/** The source after applying the first fix of a finding. */
export function applyFirstFix(source: string, finding: Finding): string {
  if (!finding.fixes.length) throw new Error(`${finding.rule} at ${finding.range.start.line + 1} has no fix`);
  return applyEdits(source, finding.fixes[0].edits);
}
