#!/usr/bin/python3
"""Generates the engine's PyTorch reference fixtures (test/fixtures/engine/*.json).

Run with the Debian build of torch 1.13 (python3-torch, python3-torchvision):
    /usr/bin/python3 scripts/gen-reference.py
The JSON files are committed; the unit tests compare the engine against them. Float32 values are
written as exact decimal expansions of the float32 (repr of the Python float), so tests can compare
bit for bit with Math.fround.
"""
import inspect
import json
import os

import torch
import torch.nn.functional as F
import torchvision
from torchvision.ops import drop_block2d

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'engine')


def f32list(t):
    return [float(v) for v in t.reshape(-1).tolist()]


def write(name, data):
    os.makedirs(OUT, exist_ok=True)
    data = {'generator': 'scripts/gen-reference.py', 'torch': torch.__version__,
            'torchvision': torchvision.__version__, **data}
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(data, f, indent=1)
        f.write('\n')


def distinct_outputs(fn, values, repeats, p):
    """Applies fn to each value repeated many times; returns (kept output, dropped output) per value."""
    x = torch.tensor(values, dtype=torch.float32).repeat_interleave(repeats)
    out = fn(x, p).reshape(len(values), repeats)
    result = []
    for row in out:
        uniq = sorted(set(float(v) for v in row.tolist()))
        result.append(uniq)
    return result


def inverted_dropout():
    rates = [round(0.01 * i, 2) for i in range(1, 100)] + [1 / 3, 0.125, 0.875, 0.999]
    inputs = [1.0, 0.1, 0.7, 1.3, -2.5, 3.14159, 1e-3, 123.456]
    cases = []
    torch.manual_seed(0)
    for p in rates:
        x = torch.tensor(inputs, dtype=torch.float32).repeat_interleave(4000)
        out = F.dropout(x, p, training=True).reshape(len(inputs), -1)
        kept = []
        for row in out:
            nonzero = sorted(set(float(v) for v in row.tolist() if v != 0))
            assert len(nonzero) == 1, (p, nonzero)
            kept.append(nonzero[0])
        cases.append({'p': p, 'scale': kept[0], 'inputs': [float(torch.tensor(v, dtype=torch.float32)) for v in inputs], 'outputs': kept})
    return cases


def functional_defaults():
    def defaults(fn):
        sig = inspect.signature(fn)
        return {k: v.default for k, v in sig.parameters.items() if v.default is not inspect.Parameter.empty}

    torch.manual_seed(1)
    x = torch.ones(10000)
    dropped_by_default = int((F.dropout(x) == 0).sum())
    alpha_default_identity = bool(torch.equal(F.alpha_dropout(x), x))
    p1_zeros = bool(torch.equal(F.dropout(x, 1.0), torch.zeros_like(x)))
    p0_identity = bool(torch.equal(F.dropout(x, 0.0), x))
    try:
        F.dropout(x, 1.5)
        bad_message = None
    except ValueError as e:
        bad_message = str(e)
    module = torch.nn.Dropout()
    module.eval()
    eval_identity = bool(torch.equal(module(x), x))
    return {
        'dropout': defaults(F.dropout),
        'dropout1d': defaults(F.dropout1d),
        'dropout2d': defaults(F.dropout2d),
        'dropout3d': defaults(F.dropout3d),
        'alpha_dropout': defaults(F.alpha_dropout),
        'feature_alpha_dropout': defaults(F.feature_alpha_dropout),
        'nn.Dropout': defaults(torch.nn.Dropout.__init__),
        'drop_block2d': defaults(drop_block2d),
        'behaviour': {
            'droppedOf10000ByDefault': dropped_by_default,
            'alphaDropoutDefaultIsIdentity': alpha_default_identity,
            'p1GivesZeros': p1_zeros,
            'p0IsIdentity': p0_identity,
            'p1_5Error': bad_message,
            'moduleEvalIsIdentity': eval_identity,
        },
    }


def alpha_dropout():
    cases = []
    torch.manual_seed(2)
    inputs = [0.0, 1.0, -1.5, 2.25, 0.3]
    for p in [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9]:
        outs = distinct_outputs(lambda x, q: F.alpha_dropout(x, q, training=True), inputs, 4000, p)
        # Every dropped element gets the same value; kept elements give one value per input.
        kept = []
        for value, uniq in zip(inputs, outs):
            assert len(uniq) == 2 or (len(uniq) == 1), (p, value, uniq)
            kept.append(uniq)
        # The dropped value is the one common to every input's outputs.
        common = set(kept[0])
        for uniq in kept[1:]:
            common &= set(uniq)
        assert len(common) == 1, (p, kept)
        dropped = common.pop()
        kept_values = [[v for v in uniq if v != dropped][0] for uniq in kept]
        a = kept_values[1] - kept_values[0]  # a·1 + b − (a·0 + b)
        b = kept_values[0]
        cases.append({'p': p, 'inputs': inputs, 'kept': kept_values, 'dropped': dropped, 'a': a, 'b': b})
    return cases


def drop_block():
    captured = []
    original = torch.Tensor.bernoulli_

    def capture(self, p=0.5, *args, **kwargs):
        captured.append(float(p))
        return original(self, p, *args, **kwargs)

    cases = []
    configs = [(2, 3, 9, 9, 3, 0.3), (1, 2, 12, 10, 5, 0.2), (1, 1, 7, 7, 7, 0.1), (2, 1, 11, 13, 1, 0.25), (1, 2, 16, 16, 5, 0.5)]
    for k, (n, c, h, w, bs, p) in enumerate(configs):
        torch.manual_seed(100 + k)
        x = torch.randn(n, c, h, w)
        torch.Tensor.bernoulli_ = capture
        captured.clear()
        torch.manual_seed(200 + k)
        out = drop_block2d(x, p, bs, training=True)
        torch.Tensor.bernoulli_ = original
        gamma = captured[0]
        torch.manual_seed(200 + k)
        seeds = torch.empty(n, c, h - bs + 1, w - bs + 1).bernoulli_(gamma)
        cases.append({'shape': [n, c, h, w], 'blockSize': bs, 'p': p, 'gamma': gamma,
                      'seeds': [int(v) for v in seeds.reshape(-1).tolist()],
                      'input': f32list(x), 'output': f32list(out)})
    return cases


def channel_dropout():
    """Which dimensions share a mask in F.dropout1d/2d/3d: the kept value of every (sample, channel) plane."""
    torch.manual_seed(5)
    cases = []
    for fn, shape in [(F.dropout1d, (6, 5, 7)), (F.dropout2d, (4, 8, 3, 5)), (F.dropout3d, (3, 4, 2, 3, 4))]:
        out = fn(torch.ones(shape), 0.4)  # training defaults to True
        planes = out.reshape(shape[0] * shape[1], -1)
        values = [sorted(set(float(v) for v in row.tolist())) for row in planes]
        cases.append({'function': fn.__name__, 'shape': list(shape), 'p': 0.4, 'planeValues': values})
    return cases


def network_gradients():
    """A small MLP (BN + tanh + fixed dropout mask → SELU → sigmoid → linear) with exact float64 gradients."""
    torch.manual_seed(3)
    rows, sizes = 6, [5, 7, 6, 4, 3]
    x = torch.randn(rows, sizes[0], dtype=torch.float64)
    labels = torch.tensor([0, 2, 1, 2, 0, 1])
    weights = [(torch.randn(sizes[i], sizes[i + 1], dtype=torch.float64) * 0.6) for i in range(len(sizes) - 1)]
    biases = [(torch.randn(sizes[i + 1], dtype=torch.float64) * 0.1) for i in range(len(sizes) - 1)]
    gamma = torch.rand(sizes[1], dtype=torch.float64) + 0.5
    beta = torch.randn(sizes[1], dtype=torch.float64) * 0.1
    # Fixed keep masks: input dropout 0.2, after layer 0 dropout 0.5, after layer 1 dropout 0.25.
    input_mask = (torch.arange(rows * sizes[0]) % 5 != 3).to(torch.float64).reshape(rows, sizes[0])
    mask0 = (torch.arange(rows * sizes[1]) % 2 == 0).to(torch.float64).reshape(rows, sizes[1])
    mask1 = (torch.arange(rows * sizes[2]) % 4 != 1).to(torch.float64).reshape(rows, sizes[2])
    rates = {'input': 0.2, 'layer0': 0.5, 'layer1': 0.25}

    params = [t.clone().requires_grad_(True) for t in weights + biases + [gamma, beta]]
    W = params[0:4]
    B = params[4:8]
    g, bt = params[8], params[9]
    h = x * input_mask / (1 - rates['input'])
    z = h @ W[0] + B[0]
    z_before_norm = z.detach().clone()
    mean = z.mean(0)
    var = z.var(0, unbiased=False)
    z = (z - mean) / torch.sqrt(var + 1e-5) * g + bt
    a = torch.tanh(z) * mask0 / (1 - rates['layer0'])
    a = F.selu(a @ W[1] + B[1]) * mask1 / (1 - rates['layer1'])
    a = torch.sigmoid(a @ W[2] + B[2])
    logits = a @ W[3] + B[3]
    loss = F.cross_entropy(logits, labels)
    loss.backward()

    # MSE on the same network in eval mode (BN running stats = initial 0/1, no dropout).
    params_eval = [t.detach().clone().requires_grad_(True) for t in weights + biases + [gamma, beta]]
    We, Be, ge, be = params_eval[0:4], params_eval[4:8], params_eval[8], params_eval[9]
    z = x @ We[0] + Be[0]
    z = z / torch.sqrt(torch.tensor(1 + 1e-5, dtype=torch.float64)) * ge + be
    a = torch.tanh(z)
    a = F.selu(a @ We[1] + Be[1])
    a = torch.sigmoid(a @ We[2] + Be[2])
    out = a @ We[3] + Be[3]
    targets = torch.linspace(-1, 1, rows * sizes[-1], dtype=torch.float64).reshape(rows, sizes[-1])
    mse = F.mse_loss(out, targets)
    mse.backward()

    return {
        'rows': rows, 'sizes': sizes, 'rates': rates,
        'x': f32list(x), 'labels': labels.tolist(),
        'weights': [f32list(w) for w in weights], 'biases': [f32list(b) for b in biases],
        'gamma': f32list(gamma), 'beta': f32list(beta),
        'inputMask': [int(v) for v in input_mask.reshape(-1).tolist()],
        'masks': [[int(v) for v in mask0.reshape(-1).tolist()], [int(v) for v in mask1.reshape(-1).tolist()]],
        'crossEntropy': {
            'loss': float(loss),
            'gradWeights': [f32list(p.grad) for p in W], 'gradBiases': [f32list(p.grad) for p in B],
            'gradGamma': f32list(g.grad), 'gradBeta': f32list(bt.grad),
            # BatchNorm1d(momentum=0.1) running statistics after this batch (unbiased variance).
            'runningMean': f32list(0.1 * z_before_norm.mean(0)),
            'runningVar': f32list(0.9 + 0.1 * z_before_norm.var(0, unbiased=True)),
        },
        'mseEval': {
            'targets': f32list(targets), 'loss': float(mse),
            'gradWeights': [f32list(p.grad) for p in We], 'gradBiases': [f32list(p.grad) for p in Be],
        },
    }


def optimiser_steps():
    """Three steps of SGD (momentum, weight decay) and Adam (weight decay) on a fixed quadratic."""
    torch.manual_seed(4)
    w0 = torch.randn(6, dtype=torch.float64)
    target = torch.randn(6, dtype=torch.float64)
    result = {'initial': w0.tolist(), 'target': target.tolist(), 'loss': 'sum((w - target)^2 * [1..6])'}
    scales = torch.arange(1, 7, dtype=torch.float64)
    for name, make in [('sgd', lambda p: torch.optim.SGD([p], lr=0.05, momentum=0.9, weight_decay=0.01)),
                       ('adam', lambda p: torch.optim.Adam([p], lr=0.1, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01))]:
        w = w0.clone().requires_grad_(True)
        opt = make(w)
        steps = []
        for _ in range(3):
            opt.zero_grad()
            loss = ((w - target) ** 2 * scales).sum()
            loss.backward()
            opt.step()
            steps.append(w.detach().tolist())
        result[name] = steps
    return result


def main():
    write('inverted-dropout.json', {'cases': inverted_dropout()})
    write('functional-defaults.json', functional_defaults())
    write('alpha-dropout.json', {'cases': alpha_dropout()})
    write('drop-block.json', {'cases': drop_block()})
    write('channel-dropout.json', {'cases': channel_dropout()})
    write('network-gradients.json', network_gradients())
    write('optimizers.json', optimiser_steps())


if __name__ == '__main__':
    main()
