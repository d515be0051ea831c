#!/usr/bin/env python3
"""PyTorch peer of bench/sections/training.ts: the same two models, data, optimizer and measurement.

Prints one JSON object on stdout. bench/sections/training.ts runs it with /usr/bin/python3 and the
environment that makes Debian's PyTorch fast (OpenBLAS first on LD_LIBRARY_PATH, OPENBLAS_NUM_THREADS=1,
glibc malloc thresholds raised); run by hand, it measures whatever environment it is given.

  MLP 784-128-10; CNN conv3x3x8-maxpool-conv3x3x16-maxpool-dense64-dense10 ('valid' convolutions, as
  Keras and tf.layers default); Adam(1e-3); cross-entropy; 8192 random samples; loss read every step.
  One run = one epoch of full batches, cut short after --run-seconds (never before 1 step); a warm-up
  run first, then --runs runs.
"""
import argparse
import json
import os
import sys
import time


def loaded_blas():
    """Shared libraries with BLAS in their name that this process actually mapped."""
    try:
        with open('/proc/self/maps') as f:
            libs = {line.split()[-1] for line in f if 'blas' in line.lower() and '/' in line}
        return sorted(libs)
    except OSError:
        return []


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--models', default='mlp,cnn')
    p.add_argument('--batches', default='32,128,512')
    p.add_argument('--runs', type=int, default=5)
    p.add_argument('--run-seconds', type=float, default=3.0)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--samples', type=int, default=8192)
    args = p.parse_args()

    try:
        import torch
        from torch import nn
    except ImportError as e:
        print(json.dumps({'error': f'torch is not importable: {e}'}))
        return 0

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    n = args.samples
    images = torch.randn(n, 1, 28, 28)
    flat = images.reshape(n, 784).contiguous()
    labels = torch.randint(0, 10, (n,))

    def mlp():
        return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))

    def cnn():
        return nn.Sequential(
            nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(400, 64), nn.ReLU(), nn.Linear(64, 10))

    builders = {'mlp': (mlp, flat), 'cnn': (cnn, images)}
    results = []
    for name in args.models.split(','):
        build, data = builders[name]
        for batch in [int(b) for b in args.batches.split(',')]:
            torch.manual_seed(1)
            model = build()
            opt = torch.optim.Adam(model.parameters(), lr=1e-3)
            loss_fn = nn.CrossEntropyLoss()
            steps = n // batch

            def run(limit):
                t0, c0 = time.perf_counter(), time.process_time()
                done = 0
                for s in range(steps):
                    xb = data[s * batch:(s + 1) * batch]
                    yb = labels[s * batch:(s + 1) * batch]
                    opt.zero_grad(set_to_none=True)
                    loss = loss_fn(model(xb), yb)
                    loss.backward()
                    opt.step()
                    loss.item()
                    done += 1
                    if time.perf_counter() - t0 > limit:
                        break
                return done * batch, time.perf_counter() - t0, time.process_time() - c0, done

            warm = run(args.run_seconds)
            runs = [run(args.run_seconds) for _ in range(args.runs if warm[1] < 2 * args.run_seconds else 3)]
            results.append({
                'model': name, 'batch': batch, 'stepsPerEpoch': steps,
                'samplesPerSecond': [r[0] / r[1] for r in runs],
                'samplesPerCpuSecond': [r[0] / r[2] for r in runs if r[2] > 0],
                'steps': [r[3] for r in runs],
            })
            rates = sorted(results[-1]['samplesPerSecond'])
            print(f'  pytorch {name} B={batch}: median {rates[len(rates) // 2]:.0f} samples/s', file=sys.stderr)

    print(json.dumps({
        'torch': torch.__version__,
        'python': sys.version.split()[0],
        'threads': torch.get_num_threads(),
        'interopThreads': torch.get_num_interop_threads(),
        'blas': loaded_blas(),
        'env': {k: os.environ.get(k) for k in ['LD_LIBRARY_PATH', 'OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS',
                                             'MALLOC_MMAP_THRESHOLD_', 'MALLOC_TRIM_THRESHOLD_', 'MALLOC_TOP_PAD_']},
        'results': results,
    }))
    return 0


if __name__ == '__main__':
    sys.exit(main())
