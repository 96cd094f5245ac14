import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { applyEdits, lintFileContents } from '../../../src/lint';
import { at, lint } from './helpers';

function fixturePath(rule: string, name: string): string {
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'test', 'fixtures', 'lint', rule, name);
    if (fs.existsSync(candidate)) return candidate;
  }
  return path.join(process.cwd(), 'test', 'fixtures', 'lint', rule, name);
}

/** Reads test/fixtures/lint/<rule>/<name>, from the compiled test folder or the working directory. */
function fixture(rule: string, name: string): string {
  return fs.readFileSync(fixturePath(rule, name), 'utf8');
}

describe('DRP002 inference-without-eval', () => {
  it('flags a validation loop under no_grad after training with no eval() (script style)', () => {
    const source = fixture('DRP002', 'script_loop.py');
    const findings = lint(source).filter((f) => f.rule === 'DRP002');
    // The second: a no_grad block inside the training loop that says it validates (val_pred = net(X_val)).
    assert.deepStrictEqual(at(findings, 'DRP002'), ['29:25', '40:20']);
    assert.match(findings[0]!.message, /'model' \(MLP, with nn\.Dropout\(p=0\.3\)\) is run for inference inside torch\.no_grad\(\)/);
    assert.match(findings[0]!.message, /dropout keeps dropping/);
    assert.strictEqual(findings[0]!.related.length, 1);
    assert.strictEqual(findings[0]!.related[0]!.range.start.line, 13);
  });

  it('suggests model.eval() before the evaluation block, and the fixed script is clean', () => {
    const source = fixture('DRP002', 'script_loop.py');
    const [fix] = lint(source).find((f) => f.rule === 'DRP002')!.fixes;
    assert.strictEqual(fix?.safe, false);
    const fixed = applyEdits(source, fix!.edits);
    assert.match(fixed, /\n    model\.eval\(\)\n    with torch\.no_grad\(\):\n/);
    assert.deepStrictEqual(at(lint(fixed), 'DRP002'), ['41:20']);
    // Training still comes back to train(): the fix does not create a DRP003.
    assert.deepStrictEqual(at(lint(fixed), 'DRP003'), []);
  });

  it('follows the model into a validate() helper through its call site, and flags an uncalled test(model, test_loader)', () => {
    const findings = lint(fixture('DRP002', 'functions.py')).filter((f) => f.rule === 'DRP002');
    assert.deepStrictEqual(at(findings, 'DRP002'), ['20:32', '44:18']);
    assert.match(findings[0]!.message, /ConvNet, with nn\.BatchNorm2d.*BatchNorm normalises with batch statistics/);
    assert.match(findings[1]!.message, /in test\(\)/);
  });

  it('flags a no_grad-decorated predict method of a trainer class that never switches self.model to eval', () => {
    const source = fixture('DRP002', 'trainer_class.py');
    const findings = lint(source).filter((f) => f.rule === 'DRP002');
    assert.deepStrictEqual(at(findings, 'DRP002'), ['28:16']);
    assert.match(findings[0]!.message, /'self\.model' \(Regressor/);
    const fixed = applyEdits(source, findings[0]!.fixes[0]!.edits);
    assert.match(fixed, /def predict\(self, x\):\n        self\.model\.eval\(\)\n        return self\.model\(x\)/);
  });

  it('uses context across notebook cells', () => {
    const missing = lintFileContents('nb.ipynb', fs.readFileSync(fixturePath('DRP002', 'notebook_missing_eval.ipynb')));
    const found = missing.findings.filter((f) => f.rule === 'DRP002');
    assert.strictEqual(found.length, 1);
    assert.strictEqual(found[0]!.cell, 4);
    assert.deepStrictEqual(found[0]!.range.start, { line: 2, column: 12 });
    const earlier = lintFileContents('nb.ipynb', fs.readFileSync(fixturePath('DRP002', 'notebook_eval_in_earlier_cell.ipynb')));
    assert.deepStrictEqual(earlier.findings.filter((f) => f.rule === 'DRP002'), []);
  });

  it('resolves a module-level model used by a request handler nobody in the file calls', () => {
    const source = fixture('DRP002', 'serving_global.py');
    assert.deepStrictEqual(at(lint(source), 'DRP002'), ['21:22']);
    const withEval = source.replace('model.load_state_dict(torch.load("weights.pt"))\n', 'model.load_state_dict(torch.load("weights.pt"))\nmodel.eval()\n');
    assert.notStrictEqual(withEval, source);
    assert.deepStrictEqual(at(lint(withEval), 'DRP002'), []);
  });

  it('flags a model traced with torch.jit.trace in training mode, not after eval()', () => {
    const source = [
      'import torch',
      'import torch.nn as nn',
      'model = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.1))',
      'traced = torch.jit.trace(model, torch.randn(1, 4))',
      'frozen = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.1)).eval()',
      'ok = torch.jit.trace(frozen, torch.randn(1, 4))',
    ].join('\n');
    const findings = lint(source).filter((f) => f.rule === 'DRP002');
    assert.deepStrictEqual(at(findings, 'DRP002'), ['4:26']);
    assert.match(findings[0]!.message, /traced by torch\.jit\.trace/);
  });

  it('sees dropout in submodules handed to a wrapper model, and a Model* helper class is not a mode switch', () => {
    const findings = lint(fixture('DRP002', 'composite.py')).filter((f) => f.rule === 'DRP002');
    assert.deepStrictEqual(at(findings, 'DRP002'), ['34:17']);
    assert.match(findings[0]!.message, /'pair' \(Pair, with nn\.Dropout in Encoder\)/);
  });

  it('keeps analysing half-typed code around a syntax error', () => {
    const source = [
      'import torch',
      'import torch.nn as nn',
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.drop = nn.Dropout(0.3)',
      '    def forward(self, x):',
      '        return self.drop(x)',
      'def broken(:',
      '    pass',
      'model = Net()',
      'with torch.no_grad():',
      '    y = model(torch.randn(1, 4))',
      'z = model(',
    ].join('\n');
    assert.deepStrictEqual(at(lint(source), 'DRP002'), ['13:9']);
  });

  it('stays silent on eval() in called helpers, MC dropout, from_pretrained, unknown modes, frameworks and user eval()', () => {
    assert.deepStrictEqual(at(lint(fixture('DRP002', 'clean.py')), 'DRP002'), []);
  });

  it("leaves a model's own infer()/generate() methods to their caller", () => {
    const source = [
      'import torch', 'import torch.nn as nn', '',
      'class Synth(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.prenet = nn.Sequential(nn.Linear(80, 256), nn.ReLU(), nn.Dropout(0.5))',
      '        self.decoder = nn.Linear(256, 80)', '',
      '    def forward(self, x):',
      '        return self.decoder(self.prenet(x))', '',
      '    @torch.no_grad()',
      '    def infer(self, x):',
      '        return self.decoder(self.prenet(x))', '',
      '    def generate(self, x, steps=10):',
      '        with torch.no_grad():',
      '            for _ in range(steps):',
      '                x = self(x)',
      '        return x', '',
      '    def validate(self, val_loader):',
      '        with torch.no_grad():',
      '            return [self.decoder(self.prenet(x)) for x in val_loader]', '',
    ].join('\n');
    assert.deepStrictEqual(at(lint(source), 'DRP002'), []);
  });

  it('follows a model built by a builder function of the file into the evaluation it is handed to', () => {
    const source = [
      'import torch', 'from torch import nn', '',
      'def build_model():',
      '    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.3), nn.Linear(8, 2))',
      '    return model', '',
      'def validate(model, val_loader):',
      '    with torch.no_grad():',
      '        return [model(x) for x in val_loader]', '',
      'def main(val_loader):',
      '    model = build_model()',
      '    print(validate(model, val_loader))', '',
    ].join('\n');
    const findings = lint(source).filter((f) => f.rule === 'DRP002');
    assert.deepStrictEqual(at(findings, 'DRP002'), ['10:17']);
    assert.match(findings[0]!.message, /nn\.Sequential, with nn\.Dropout\(p=0\.3\)/);
    // A builder that switches its model to eval, or hands it to a helper, does not return a fresh model.
    for (const change of ['    model.eval()\n    return model', '    init_weights(model)\n    return model']) {
      assert.deepStrictEqual(at(lint(source.replace('    return model', change)), 'DRP002'), [], change);
    }
  });

  it('trusts a trainer class whose other method puts its model in eval mode, also from a callback it registers', () => {
    const source = [
      'import torch', 'from torch import nn', '',
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.fc = nn.Linear(4, 2)',
      '        self.drop = nn.Dropout(0.5)', '',
      '    def forward(self, x):',
      '        return self.fc(self.drop(x))', '',
      'class Trainer:',
      '    def __init__(self):',
      '        self.model = Net()',
      '        self.callbacks = []', '',
      '    def setup_hooks(self):',
      '        self.callbacks.append(lambda: self.model.eval())', '',
      '    def evaluate(self, val_loader):',
      '        with torch.no_grad():',
      '            return [self.model(x) for x in val_loader]', '',
    ].join('\n');
    // The callback (a lambda: not followed by the mode flow) is the switch the trainer relies on.
    assert.deepStrictEqual(at(lint(source), 'DRP002'), []);
    // Without it, or with a callback that switches to training, the evaluation runs a training-mode model.
    for (const change of ['self.model.train()', 'self.model.train(True)', 'self.scheduler.eval()']) {
      assert.deepStrictEqual(at(lint(source.replace('self.model.eval()', change)), 'DRP002'), ['23:21'], change);
    }
    // `.train(False)` and `.train(flag)` can switch it to eval as well.
    for (const change of ['self.model.train(False)', 'self.model.train(self.training_flag)']) {
      assert.deepStrictEqual(at(lint(source.replace('self.model.eval()', change)), 'DRP002'), [], change);
    }
  });

  it('reads a comprehension over an evaluation loader as an evaluation loop, like the for loop it abbreviates', () => {
    const source = [
      'import torch', 'from torch import nn', '', '',
      'def build_model():',
      '    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.3), nn.Linear(8, 2))', '', '',
      'def score(model, test_loader):',
      '    return [model(x).argmax() for x in test_loader]', '', '',
      'def main(test_loader):',
      '    model = build_model()',
      '    print(score(model, test_loader))', '',
    ].join('\n');
    const findings = lint(source).filter((f) => f.rule === 'DRP002');
    assert.deepStrictEqual(at(findings, 'DRP002'), ['10:13']);
    assert.match(findings[0]!.message, /run for inference over test_loader/);
    // The fix switches the model before the statement holding the comprehension.
    const fixed = applyEdits(source, findings[0]!.fixes[0]!.edits);
    assert.match(fixed, /def score\(model, test_loader\):\n    model\.eval\(\)\n    return \[model\(x\)/);
    assert.deepStrictEqual(at(lint(fixed), 'DRP002'), []);
    // Over training data, or after an eval() of its own, it is not an evaluation without eval().
    assert.deepStrictEqual(at(lint(source.replace('for x in test_loader]', 'for x in train_loader]')), 'DRP002'), []);
    assert.deepStrictEqual(at(lint(source.replace('    return [model(x)', '    model.eval()\n    return [model(x)')), 'DRP002'), []);
  });
});
