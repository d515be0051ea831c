#!/usr/bin/env python3
"""PyTorch peer of bench/sections/training.ts: the same two models, data, optimizer and measurement.

bench/sections/training.ts runs it with /usr/bin/python3 and the environment that makes Debian's PyTorch
fast (OpenBLAS first on LD_LIBRARY_PATH, OPENBLAS_NUM_THREADS=1, glibc malloc thresholds raised); run by
hand, it measures whatever environment it is given.

  MLP 784-128-10; CNN conv3x3x8-maxpool-conv3x3x16-maxpool-dense64-dense10 ('valid' convolutions, as
  Keras and tf.layers default); Adam(1e-3); cross-entropy; 8192 random samples; loss read every step.
  One run = one epoch of full batches, cut short after --run-seconds (never before 1 step).

Two modes:
  default   for every model and batch: a warm-up run, then --runs runs; prints one JSON object.
  --serve   reads one JSON command per line from stdin and answers one JSON line each, so that the bench
            can alternate runs of Epochlab and of this peer on the same cell (a change in machine load
            then hits both sides alike):
              {"cmd": "setup", "model": "mlp", "batch": 128}   builds the model, runs the warm-up
              {"cmd": "run", "seconds": 3}                       one timed run of the current cell
            The first line printed describes the peer (torch version, threads, BLAS).
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


class Cell:
    """One model at one batch size, ready to be timed."""

    def __init__(self, torch, nn, name, batch, images, flat, labels):
        torch.manual_seed(1)
        if name == 'mlp':
            self.model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
            self.data = flat
        else:
            self.model = nn.Sequential(
                nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
                nn.Flatten(), nn.Linear(400, 64), nn.ReLU(), nn.Linear(64, 10))
            self.data = images
        self.labels = labels
        self.batch = batch
        self.steps = labels.shape[0] // batch
        self.opt = torch.optim.Adam(self.model.parameters(), lr=1e-3)
        self.loss_fn = nn.CrossEntropyLoss()

    def run(self, limit):
        """One epoch (or `limit` seconds of it): samples, wall seconds, CPU seconds, steps."""
        t0, c0 = time.perf_counter(), time.process_time()
        done = 0
        b = self.batch
        for s in range(self.steps):
            xb = self.data[s * b:(s + 1) * b]
            yb = self.labels[s * b:(s + 1) * b]
            self.opt.zero_grad(set_to_none=True)
            loss = self.loss_fn(self.model(xb), yb)
            loss.backward()
            self.opt.step()
            loss.item()
            done += 1
            if time.perf_counter() - t0 > limit:
                break
        return done * b, time.perf_counter() - t0, time.process_time() - c0, done


def describe(torch):
    return {
        'torch': torch.__version__,
        'python': sys.version.split()[0],
        'threads': torch.get_num_threads(),
        'interopThreads': torch.get_num_interop_threads(),
        'blas': loaded_blas(),
        'env': {k: os.environ.get(k) for k in ['LD_LIBRARY_PATH', 'OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS',
                                             'MALLOC_MMAP_THRESHOLD_', 'MALLOC_TRIM_THRESHOLD_', 'MALLOC_TOP_PAD_']},
    }


def serve(torch, nn, make_cell, warm_seconds):
    print(json.dumps(describe(torch)), flush=True)
    cell = None
    for line in sys.stdin:
        if not line.strip():
            continue
        cmd = json.loads(line)
        if cmd['cmd'] == 'setup':
            cell = make_cell(cmd['model'], int(cmd['batch']))
            cell.run(float(cmd.get('seconds', warm_seconds)))
            print(json.dumps({'ok': True, 'stepsPerEpoch': cell.steps}), flush=True)
        elif cmd['cmd'] == 'run':
            samples, wall, cpu, steps = cell.run(float(cmd['seconds']))
            print(json.dumps({'samples': samples, 'wall': wall, 'cpu': cpu, 'steps': steps}), flush=True)
        else:
            print(json.dumps({'error': f"unknown command {cmd['cmd']}"}), flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--models', default='mlp,cnn')
    p.add_argument('--batches', default='32,128,512')
    p.add_argument('--runs', type=int, default=5)
    p.add_argument('--run-seconds', type=float, default=3.0)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--samples', type=int, default=8192)
    p.add_argument('--serve', action='store_true')
    args = p.parse_args()

    try:
        import torch
        from torch import nn
    except ImportError as e:
        print(json.dumps({'error': f'torch is not importable: {e}'}), flush=True)
        return 0

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    n = args.samples
    images = torch.randn(n, 1, 28, 28)
    flat = images.reshape(n, 784).contiguous()
    labels = torch.randint(0, 10, (n,))

    def make_cell(name, batch):
        return Cell(torch, nn, name, batch, images, flat, labels)

    if args.serve:
        serve(torch, nn, make_cell, args.run_seconds)
        return 0

    results = []
    for name in args.models.split(','):
        for batch in [int(b) for b in args.batches.split(',')]:
            cell = make_cell(name, batch)
            warm = cell.run(args.run_seconds)
            runs = [cell.run(args.run_seconds) for _ in range(args.runs if warm[1] < 2 * args.run_seconds else 3)]
            results.append({
                'model': name, 'batch': batch, 'stepsPerEpoch': cell.steps,
                'samplesPerSecond': [r[0] / r[1] for r in runs],
                'samplesPerCpuSecond': [r[0] / r[2] for r in runs if r[2] > 0],
                'steps': [r[3] for r in runs],
            })
            rates = sorted(results[-1]['samplesPerSecond'])
            print(f'  pytorch {name} B={batch}: median {rates[len(rates) // 2]:.0f} samples/s', file=sys.stderr)

    print(json.dumps({**describe(torch), 'results': results}))
    return 0


if __name__ == '__main__':
    sys.exit(main())
