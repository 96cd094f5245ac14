// The 5,000-line model file the keystroke cases edit (keystroke.js, keystroke-main-thread.js).

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

module.exports = { modelFile };
