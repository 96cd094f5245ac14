// Re-lint latency while typing: a 5,000-line PyTorch model file, 200 small edits, each followed
// by an incremental re-parse (tree reuse) and a full rule run, as the editor does per keystroke.
const fs = require('fs');
const path = require('path');
const { main, now } = require('./common');

/** A deterministic 5,000-line training script: model classes with dropout, loops, eval code. */
function modelFile(targetLines) {
  const out = [
    'import math',
    'import torch',
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    'from torch.utils.data import DataLoader',
    '',
    'HIDDEN = 256',
    'DROP = 0.3',
    '',
  ];
  let block = 0;
  while (out.length < targetLines - 40) {
    const b = block++;
    out.push(
      `class Block${b}(nn.Module):`,
      `    """Residual MLP block ${b} with dropout."""`,
      '',
      `    def __init__(self, width=HIDDEN, p=DROP):`,
      '        super().__init__()',
      '        self.fc1 = nn.Linear(width, width * 2)',
      '        self.bn = nn.BatchNorm1d(width * 2)',
      '        self.drop = nn.Dropout(p)',
      '        self.fc2 = nn.Linear(width * 2, width)',
      `        self.scale = ${(b % 7) + 1} / math.sqrt(width)`,
      '',
      '    def forward(self, x):',
      '        h = F.relu(self.bn(self.fc1(x)))',
      '        h = self.drop(h)',
      `        h = F.dropout(h, p=0.${(b % 5) + 1}, training=self.training)`,
      '        return x + self.scale * self.fc2(h)',
      '',
      '',
      `def train_block${b}(model, loader, optimizer, epochs=${(b % 4) + 1}):`,
      '    model.train()',
      '    for epoch in range(epochs):',
      '        for inputs, targets in loader:',
      '            optimizer.zero_grad()',
      '            loss = F.cross_entropy(model(inputs), targets)',
      '            loss.backward()',
      '            optimizer.step()',
      '    model.eval()',
      '    with torch.no_grad():',
      '        total = sum(model(x).sum().item() for x, _ in loader)',
      '    return total',
      '',
      '',
    );
  }
  out.push('class Net(nn.Module):', '    def __init__(self):', '        super().__init__()');
  out.push(`        self.blocks = nn.Sequential(${Array.from({ length: 8 }, (_, i) => `Block${i}()`).join(', ')})`);
  out.push('        self.head = nn.Linear(HIDDEN, 10)', '', '    def forward(self, x):', '        return self.head(self.blocks(x))', '');
  while (out.length < targetLines) out.push(`# padding line ${out.length}`);
  return out.slice(0, targetLines).join('\n') + '\n';
}

main(async (a) => {
  const lint = require(a.bundle);
  await lint.loadPython(path.join(__dirname, '..', '..', 'dist'));
  const lines = Number(a.lines);
  const editCount = Number(a.edits);
  let text = modelFile(lines);
  const uri = 'file:///bench/model.py';
  const incremental = typeof lint.IncrementalLinter === 'function';
  const linter = incremental ? new lint.IncrementalLinter({ capacity: 4 }) : null;
  const lintNow = (change) => {
    if (linter) return change ? linter.applyEdits(uri, [change]) : linter.open(uri, text);
    return { findings: lint.lintSource(text) };
  };
  lintNow(null);
  // Edits: type a digit into the dropout rate of some block, then delete it again (two keystrokes),
  // cycling through the file so edits land everywhere.
  const fileLines = text.split('\n');
  const targets = [];
  fileLines.forEach((l, i) => { if (l.includes('F.dropout(h, p=0.')) targets.push(i); });
  const latencies = [];
  const parseLatencies = [];
  const parser = lint.createPythonParser();
  let parseTree = parser.parse(text);
  let lastFindings = 0;
  const budgetMs = Number(a.maxMs || 180_000);
  const started = now();
  for (let e = 0; e < editCount + 10; e++) {
    // On a machine where each re-lint takes seconds, stop at the time budget (the count is reported).
    if (e > 20 && now() - started > budgetMs) break;
    const line = targets[(e * 7) % targets.length];
    const column = fileLines[line].indexOf('p=0.') + 4;
    const insert = e % 2 === 0;
    const change = insert
      ? { range: { start: { line, column }, end: { line, column } }, text: '5' }
      : { range: { start: { line, column }, end: { line, column: column + 1 } }, text: '' };
    const lineText = fileLines[line];
    fileLines[line] = insert ? lineText.slice(0, column) + '5' + lineText.slice(column) : lineText.slice(0, column) + lineText.slice(column + 1);
    text = fileLines.join('\n');
    // The parse alone, on a separate parser: tree.edit (offsets in UTF-16 code units, as
    // web-tree-sitter takes them) + incremental parse reusing the old tree.
    const offset = fileLines.slice(0, line).reduce((sum, l) => sum + l.length + 1, 0) + column;
    const p0 = now();
    parseTree.edit({
      startIndex: offset, oldEndIndex: insert ? offset : offset + 1, newEndIndex: insert ? offset + 1 : offset,
      startPosition: { row: line, column }, oldEndPosition: { row: line, column: insert ? column : column + 1 }, newEndPosition: { row: line, column: insert ? column + 1 : column },
    });
    const reparsed = parser.parse(text, parseTree);
    const parseMs = now() - p0;
    parseTree.delete();
    parseTree = reparsed;
    const t0 = now();
    const result = lintNow(change);
    const ms = now() - t0;
    if (e >= 10) { latencies.push(ms); parseLatencies.push(parseMs); } // the first ten warm up
    lastFindings = result.findings.length;
  }
  const pct = (list, q) => [...list].sort((x, y) => x - y)[Math.min(list.length - 1, Math.ceil(q * list.length) - 1)];
  return { p50Ms: pct(latencies, 0.5), p95Ms: pct(latencies, 0.95), parseP50Ms: pct(parseLatencies, 0.5), parseP95Ms: pct(parseLatencies, 0.95), maxMs: Math.max(...latencies), fileLines: lines, edits: latencies.length, incremental, findings: lastFindings };
});

module.exports = { modelFile };
