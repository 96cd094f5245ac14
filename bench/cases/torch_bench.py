# PyTorch CPU peers (one thread): the MLP training workload and F.dropout mask throughput.
import json, sys, time

def emit(obj):
    print()
    print(json.dumps(obj))

def arg(name, default=None):
    for a in sys.argv[1:]:
        if a.startswith('--' + name + '='):
            return a.split('=', 1)[1]
    return default

try:
    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except Exception as e:  # torch absent: the runner reports null
    emit({'error': 'torch not importable: %s' % e})
    sys.exit(0)

torch.set_num_threads(1)
mode = arg('mode')

if mode == 'engine':
    d = arg('data')
    meta = json.load(open(d + '/meta.json'))
    count, inp, classes, batch = meta['count'], meta['inputSize'], meta['classes'], meta['batch']
    x = torch.from_numpy(np.fromfile(d + '/x.f32', dtype=np.float32).reshape(count, inp))
    y = torch.from_numpy(np.fromfile(d + '/y.u8', dtype=np.uint8).astype(np.int64))
    torch.manual_seed(1234)
    model = nn.Sequential(nn.Linear(inp, 256), nn.ReLU(), nn.Dropout(0.5),
                          nn.Linear(256, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, classes))
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    batches = count // batch
    xs = [x[b * batch:(b + 1) * batch] for b in range(batches)]
    ys = [y[b * batch:(b + 1) * batch] for b in range(batches)]
    def epoch(limit=batches):
        total = 0.0
        for b in range(limit):
            opt.zero_grad()
            loss = F.cross_entropy(model(xs[b]), ys[b])
            loss.backward()
            opt.step()
            total += loss.item()
        return total / limit
    epoch(min(batches, 40))
    if arg('serve'):
        # One epoch per 'epoch' line on stdin, so run.js can interleave the systems.
        emit({'ready': True})
        sys.stdout.flush()
        for line in sys.stdin:
            if line.strip() != 'epoch':
                break
            t0 = time.perf_counter()
            loss = epoch()
            emit({'ms': (time.perf_counter() - t0) * 1000, 'loss': loss})
            sys.stdout.flush()
        sys.exit(0)
    times, losses = [], []
    for _ in range(int(arg('epochs', '3'))):
        t0 = time.perf_counter()
        losses.append(epoch())
        times.append((time.perf_counter() - t0) * 1000)
    emit({'samplesPerSec': batches * batch / (min(times) / 1000), 'epochMs': times, 'meanLoss': losses, 'version': torch.__version__})
elif mode == 'masks':
    n = int(arg('elements', '10000000'))
    x = torch.rand(n)
    F.dropout(x, 0.5, training=True)
    times = []
    for _ in range(int(arg('reps', '5'))):
        t0 = time.perf_counter()
        out = F.dropout(x, 0.5, training=True)
        times.append(time.perf_counter() - t0)
    emit({'elementsPerSec': n / min(times), 'version': torch.__version__})
else:
    emit({'error': 'unknown mode %s' % mode})
