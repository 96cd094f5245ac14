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


def blas_info():
    """Which BLAS this process really runs: the libraries mapped after a matmul (Debian's torch is
    built with BLAS_INFO=generic, so torch.__config__ cannot say; libblas.so.3 is whatever the
    alternatives system points at), plus OpenBLAS's own report when it is the one loaded."""
    a = torch.ones(8, 8)
    torch.mm(a, a)  # make sure the BLAS is loaded and initialised
    paths = []
    with open('/proc/self/maps') as maps:
        for line in maps:
            fields = line.split()
            if len(fields) >= 6 and ('blas' in fields[-1] or 'mkl' in fields[-1]) and fields[-1] not in paths:
                paths.append(fields[-1])
    info = {'libraries': paths, 'kind': 'unknown', 'name': None}
    openblas = next((p for p in paths if 'libopenblas' in p), None)
    if openblas:
        import ctypes
        lib = ctypes.CDLL(openblas)
        lib.openblas_get_config.restype = ctypes.c_char_p
        lib.openblas_get_corename.restype = ctypes.c_char_p
        config = lib.openblas_get_config().decode()
        core = lib.openblas_get_corename().decode()
        threads = lib.openblas_get_num_threads()
        info.update(kind='openblas', config=config, core=core, threads=threads,
                    name='%s, %s kernels, %d thread%s' % (config.split(' NO_')[0].split(' DYNAMIC')[0].strip() or 'OpenBLAS', core, threads, '' if threads == 1 else 's'))
    elif any('mkl' in p for p in paths):
        info.update(kind='mkl', name='MKL (%s)' % next(p for p in paths if 'mkl' in p))
    elif any('/blas/libblas.so' in p for p in paths):
        # Debian's libblas3 (Netlib reference BLAS) lives in .../blas/; OpenBLAS in .../openblas-*/.
        info.update(kind='reference', name='reference BLAS (%s)' % next(p for p in paths if '/blas/libblas.so' in p))
    elif paths:
        info['name'] = paths[0]
    return info

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
        emit({'ready': True, 'blas': blas_info(), 'version': torch.__version__})
        sys.stdout.flush()
        for line in sys.stdin:
            if line.strip() != 'epoch':
                break
            t0 = time.perf_counter()
            c0 = time.process_time()
            loss = epoch()
            emit({'ms': (time.perf_counter() - t0) * 1000, 'cpuMs': (time.process_time() - c0) * 1000, 'loss': loss})
            sys.stdout.flush()
        sys.exit(0)
    times, losses = [], []
    for _ in range(int(arg('epochs', '3'))):
        t0 = time.perf_counter()
        losses.append(epoch())
        times.append((time.perf_counter() - t0) * 1000)
    emit({'samplesPerSec': batches * batch / (min(times) / 1000), 'epochMs': times, 'meanLoss': losses, 'version': torch.__version__})
elif mode == 'gemm':
    # sgemm GFLOP/s on the MLP's products (run.js passes MLP_GEMMS from common.js), one thread:
    # torch.mm on transposed views hands the transposes to the BLAS without copying.
    shapes = json.loads(arg('shapes'))
    seconds = float(arg('seconds', '2'))
    torch.manual_seed(1)
    ops = []
    for ta, tb, m, n, k in shapes:
        a = torch.rand(k, m) if ta else torch.rand(m, k)
        b = torch.rand(n, k) if tb else torch.rand(k, n)
        ops.append((a.t() if ta else a, b.t() if tb else b, torch.empty(m, n)))
    flops = sum(2 * m * n * k for _, _, m, n, k in shapes)
    def step():
        for a, b, c in ops:
            torch.mm(a, b, out=c)
    end = time.perf_counter() + 0.3
    while time.perf_counter() < end:
        step()
    best = float('inf')
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        t0 = time.perf_counter()
        step()
        step()
        best = min(best, (time.perf_counter() - t0) / 2)
    emit({'gflops': flops / best / 1e9, 'stepMs': best * 1000, 'flopsPerStep': flops, 'blas': blas_info(), 'version': torch.__version__})
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
