#!/usr/bin/env python3
"""PyTorch peer of bench/sections/grid.ts: the same grid of trials, trained one after another.

Each trial trains the reference MLP 784-128-10 with Adam on --samples random rows for --epochs at batch
--batch (shuffled every epoch, the last partial batch kept, loss read every step as Epochlab does) and
evaluates --val rows after every epoch. Prints one JSON object: total wall seconds and per-trial seconds.
Run by bench/sections/grid.ts with the same OpenBLAS/malloc environment as the training peer.
"""
import argparse
import json
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--trials', type=int, default=8)
    p.add_argument('--epochs', type=int, default=5)
    p.add_argument('--batch', type=int, default=128)
    p.add_argument('--samples', type=int, default=8000)
    p.add_argument('--val', type=int, default=2000)
    p.add_argument('--threads', type=int, default=2)
    args = p.parse_args()
    try:
        import torch
        from torch import nn
    except ImportError as e:
        print(json.dumps({'error': f'torch is not importable: {e}'}))
        return 0
    torch.set_num_threads(args.threads)
    g = torch.Generator().manual_seed(0)
    x = torch.rand(args.samples, 784, generator=g)
    y = torch.randint(0, 10, (args.samples,), generator=g)
    xv = torch.rand(args.val, 784, generator=g)
    yv = torch.randint(0, 10, (args.val,), generator=g)
    loss_fn = nn.CrossEntropyLoss()
    per_trial = []
    t_all = time.perf_counter()
    for trial in range(args.trials):
        torch.manual_seed(trial + 1)
        model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
        opt = torch.optim.Adam(model.parameters(), lr=1e-3 * (1 + trial % 2))
        t0 = time.perf_counter()
        for _ in range(args.epochs):
            model.train()
            order = torch.randperm(args.samples)
            for start in range(0, args.samples, args.batch):
                idx = order[start:start + args.batch]
                opt.zero_grad(set_to_none=True)
                loss = loss_fn(model(x[idx]), y[idx])
                loss.backward()
                opt.step()
                loss.item()
            model.eval()
            with torch.no_grad():
                for start in range(0, args.val, 1024):
                    loss_fn(model(xv[start:start + 1024]), yv[start:start + 1024]).item()
        per_trial.append(time.perf_counter() - t0)
    print(json.dumps({
        'torch': torch.__version__, 'threads': torch.get_num_threads(),
        'wallSeconds': time.perf_counter() - t_all, 'trialSeconds': per_trial,
        'samples': args.samples * args.epochs * args.trials,
    }))
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
