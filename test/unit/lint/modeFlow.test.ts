import * as assert from 'assert';
import { createPythonParser } from '../../../src/lint';
import { collectImports } from '../../../src/lint/resolve';
import {
  ENTRY, EVAL, getModeFlow, inferenceContexts, isEvaluationLoaderName, isEvaluationName, isMonteCarloSampling, TRAIN, UNKNOWN,
  type ModeFlow, type ModelCall,
} from '../../../src/lint/modeFlow';
import './helpers';

function analyse(source: string): { flow: ModeFlow; calls: ModelCall[] } {
  const tree = createPythonParser().parse(source)!;
  const root = tree.rootNode;
  const flow = getModeFlow({ root, imports: collectImports(root) });
  const calls = [flow.module, ...flow.scopes].flatMap((s) => s.modelCalls);
  return { flow, calls };
}

/** Mode bits at each call of `key`, by 1-based line, resolved through call sites. */
function modes(source: string, key = 'model'): Record<number, number[]> {
  const { flow, calls } = analyse(source);
  const result: Record<number, number[]> = {};
  for (const call of calls) {
    if (call.key !== key) continue;
    result[call.call.startPosition.row + 1] = flow.resolve(call).map((p) => p.mode.bits);
  }
  return result;
}

const HEADER = 'import torch\nimport torch.nn as nn\nclass Net(nn.Module):\n    def forward(self, x):\n        return x\n';
const H = HEADER.split('\n').length - 1;

describe('modeFlow', () => {
  it('tracks construction (train), eval(), train(False), train() and unknown train(flag) in order', () => {
    const source = HEADER + [
      'model = Net()',
      'model(x)',
      'model.eval()',
      'model(x)',
      'model.train()',
      'model.requires_grad_(False)',
      'model(x)',
      'model.train(False)',
      'model(x)',
      'model.train(mode=flag)',
      'model(x)',
    ].join('\n');
    // Freezing with requires_grad_(False) is not eval(): the model stays in training mode.
    assert.deepStrictEqual(modes(source), {
      [H + 2]: [TRAIN], [H + 4]: [EVAL], [H + 7]: [TRAIN], [H + 9]: [EVAL], [H + 11]: [UNKNOWN],
    });
  });

  it('joins branches and carries a late eval() around a loop back edge', () => {
    const source = HEADER + [
      'model = Net()',
      'if cond:',
      '    model.eval()',
      'model(x)',
      'for epoch in range(3):',
      '    model(x)',
      '    model.eval()',
    ].join('\n');
    const result = modes(source);
    assert.deepStrictEqual(result[H + 4], [TRAIN | EVAL]);
    assert.deepStrictEqual(result[H + 6], [TRAIN | EVAL]);
  });

  it('reads a loop body again when the first pass read a binding the body changes later', () => {
    // The first pass ends in the state it started with, but `holder.net.train()` ran before
    // `holder` became a loop target: read again, the call switches models the code cannot name.
    const source = HEADER + [
      'holder.net = Net()',
      'holder.net.train()',
      'for epoch in range(3):',
      '    holder.net.train()',
      '    for holder in holders:',
      '        pass',
      'holder.net(x)',
    ].join('\n');
    assert.deepStrictEqual(modes(source, 'holder.net'), { [H + 7]: [TRAIN | UNKNOWN] });
    // Without the rebinding the first pass stands for both.
    assert.deepStrictEqual(modes(source.replace('for holder in holders', 'for other in holders'), 'holder.net'), { [H + 7]: [TRAIN] });
  });

  it('treats a mode chosen by a condition (train in one branch, eval in the other) as unknown', () => {
    const source = HEADER + [
      'model = Net()',
      'for phase in ["train", "val"]:',
      '    if phase == "train":',
      '        model.train()',
      '    else:',
      '        model.eval()',
      '    model(x)',
      'model.train() if flag else model.eval()',
      'model(x)',
      'if flag:',
      '    model.eval()',
      'model(x)',
    ].join('\n');
    const result = modes(source);
    assert.deepStrictEqual(result[H + 7], [UNKNOWN]);
    assert.deepStrictEqual(result[H + 9], [UNKNOWN]);
    // One branch only: an ordinary join of the mode before the if with EVAL.
    assert.deepStrictEqual(result[H + 12], [UNKNOWN | EVAL]);
  });

  it('a return in one branch removes that path', () => {
    const source = HEADER + [
      'def f(flag):',
      '    model = Net()',
      '    if flag:',
      '        model.eval()',
      '        return None',
      '    return model(x)',
    ].join('\n');
    assert.deepStrictEqual(modes(source)[H + 6], [TRAIN]);
  });

  it('follows chains, wrappers and from_pretrained', () => {
    const source = 'import torch\nimport copy\nfrom transformers import AutoModel\nfrom torchvision import models\n' + [
      'model = models.resnet18().to(device).eval()',
      'model(x)',
      'model = torch.nn.DataParallel(models.vgg16())',
      'model(x)',
      'model = AutoModel.from_pretrained("bert-base-uncased").to(device)',
      'model(x)',
      'model = torch.load(path)',
      'model(x)',
    ].join('\n');
    assert.deepStrictEqual(modes(source), { 6: [EVAL], 8: [TRAIN], 10: [EVAL], 12: [UNKNOWN] });
  });

  it('applies the summary of a called function through its parameter, and self-method summaries', () => {
    const source = HEADER + [
      'def evaluate(net, loader):',
      '    net.eval()',
      '    return [net(b) for b in loader]',
      'def maybe(net):',
      '    if net.flag:',
      '        net.eval()',
      'model = Net()',
      'evaluate(model, loader)',
      'model(x)',
      'other = Net()',
      'maybe(other)',
      'other(x)',
      'class Runner:',
      '    def __init__(self):',
      '        self.model = Net()',
      '    def check(self):',
      '        self.model.eval()',
      '    def run(self):',
      '        self.model.train()',
      '        self.check()',
      '        self.model(x)',
    ].join('\n');
    assert.deepStrictEqual(modes(source)[H + 9], [EVAL]);
    assert.deepStrictEqual(modes(source, 'other')[H + 12], [TRAIN | EVAL]);
    assert.deepStrictEqual(modes(source, 'self.model')[H + 21], [EVAL]);
  });

  it('resolves ENTRY through every call site, and leaves uncalled functions unresolved', () => {
    const source = HEADER + [
      'def run(model):',
      '    return model(x)',
      'a = Net()',
      'run(a)',
      'a.eval()',
      'run(a)',
      'def lonely(model):',
      '    return model(x)',
    ].join('\n');
    const { flow, calls } = analyse(source);
    const inRun = calls.find((c) => c.call.startPosition.row + 1 === H + 2)!;
    assert.strictEqual(inRun.mode.bits, ENTRY);
    assert.deepStrictEqual(flow.resolve(inRun).map((p) => [p.key, p.mode.bits, p.unresolved]), [['a', TRAIN, false], ['a', EVAL, false]]);
    const lonely = calls.find((c) => c.call.startPosition.row + 1 === H + 8)!;
    assert.deepStrictEqual(flow.resolve(lonely).map((p) => p.unresolved), [true]);
  });

  it('records where an eval() came from, across a helper call', () => {
    const source = HEADER + [
      'def validate(m):',
      '    m.eval()',
      'model = Net()',
      'for epoch in range(2):',
      '    model(x)',
      '    validate(model)',
    ].join('\n');
    const { flow, calls } = analyse(source);
    const call = calls.find((c) => c.key === 'model' && c.call.startPosition.row + 1 === H + 5)!;
    const [path] = flow.resolve(call);
    assert.strictEqual(path!.mode.bits, TRAIN | EVAL);
    assert.strictEqual(path!.mode.evals[0]!.origin.startPosition.row + 1, H + 2);
    assert.strictEqual(path!.mode.evals[0]!.site.startPosition.row + 1, H + 6);
  });

  it('names evaluation functions and loaders without catching unit tests', () => {
    for (const name of ['evaluate', 'validate', 'val_epoch', 'run_inference', 'predict', 'test', 'test_epoch', 'evalModel', 'do_test']) {
      assert.ok(isEvaluationName(name), name);
    }
    for (const name of ['test_forward_shape', 'train', 'fit', 'forward', 'interval', 'compute_loss_fn_grad']) {
      assert.ok(!isEvaluationName(name), name);
    }
    for (const name of ['val_loader', 'test_dataloader', 'self.valid_dl', 'testloader', 'eval_dataset', 'dev_iter']) {
      assert.ok(isEvaluationLoaderName(name), name);
    }
    for (const name of ['train_loader', 'loader', 'validator', 'interval_loader']) {
      assert.ok(!isEvaluationLoaderName(name), name);
    }
  });

  it('finds inference contexts: no_grad, inference_mode decorators, set_grad_enabled(False), eval loaders', () => {
    const source = [
      'import torch',
      'from torch import no_grad',
      'with no_grad():',
      '    a(x)',
      '@torch.inference_mode()',
      'def f():',
      '    b(x)',
      'with torch.set_grad_enabled(False):',
      '    c(x)',
      'with torch.set_grad_enabled(True):',
      '    d(x)',
      'for batch in enumerate(tqdm(test_loader)):',
      '    e(x)',
    ].join('\n');
    const tree = createPythonParser().parse(source)!;
    const imports = collectImports(tree.rootNode);
    const calls = tree.rootNode.descendantsOfType('call').filter((c) => c && /^[a-e]$/.test(c.childForFieldName('function')!.text));
    const kinds = Object.fromEntries(calls.map((c) => [c!.childForFieldName('function')!.text, inferenceContexts(c!, imports).map((k) => k.kind)]));
    assert.deepStrictEqual(kinds, { a: ['no-grad'], b: ['no-grad'], c: ['no-grad'], d: [], e: ['eval-loader'] });
  });

  it('recognises Monte Carlo sampling only for a repeated innermost loop in an averaging function', () => {
    const source = [
      'def mc(x):',
      '    return np.mean([model(x) for _ in range(30)], axis=0)',
      'def over_data(xs):',
      '    out = [model(x) for x in xs]',
      '    return np.mean(out)',
      'def no_average(x):',
      '    return [model(x) for _ in range(30)]',
    ].join('\n');
    const tree = createPythonParser().parse(source)!;
    const calls = tree.rootNode.descendantsOfType('call').filter((c) => c?.childForFieldName('function')?.text === 'model');
    assert.deepStrictEqual(calls.map((c) => isMonteCarloSampling(c!)), [true, false, false]);
  });
});
