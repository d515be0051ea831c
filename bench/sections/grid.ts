/**
 * Grid scaling (issue 4): the same 8 trials through Epochlab with concurrency 1 and with concurrency =
 * cores, and PyTorch training them one after another on all cores. Targets: concurrency = cores finishes
 * in ≤ 0.55× the time of concurrency 1; aggregate samples/s ≥ 0.55× PyTorch's.
 *
 * Trials: the reference MLP on mnist-10k (8000 train / 2000 val), B = --batch, --epochs epochs, learning
 * rate 1e-3 and 2e-3 × 4 seeds. The PyTorch peer trains the same shapes on random data (same cost).
 *
 * Args: --backend wasm  --batch 128  --epochs 5  --repeats 3  --no-peer
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { BackendChoice } from '../../src-main/contract';
import { referenceSpec, runThroughServices } from '../lib/epochlab';
import { currentLoad, machineInfo } from '../lib/machine';
import { benchDir } from '../lib/paths';
import { peerEnv } from '../lib/pytorch';
import type { BenchOptions, Section, SectionResult } from '../lib/section';
import { compact, summarize, type Summary } from '../lib/stats';

const SPEEDUP_TARGET = 0.55;
const PEER_TARGET = 0.55;

interface PeerGrid {
  error?: string;
  torch?: string;
  threads?: number;
  wallSeconds?: number;
  samples?: number;
}

export const gridSection: Section = {
  id: 'grid',
  title: 'Grid scaling: 8 trials at concurrency 1 and = cores, against PyTorch sequentially',
  async run(options: BenchOptions): Promise<SectionResult> {
    const machine = machineInfo();
    const cores = availableParallelism();
    const backend = (options.args.backend ?? 'wasm') as BackendChoice;
    const batch = Number(options.args.batch ?? 128);
    const epochs = Number(options.args.epochs ?? (options.quick ? 1 : 5));
    const repeats = Number(options.args.repeats ?? (options.quick ? 1 : 3));
    const spec = referenceSpec({ batchSize: batch, epochs, learningRate: [0.001, 0.002], seed: [1, 2, 3, 4] });
    const walls: Record<'one' | 'all', number[]> = { one: [], all: [] };
    let samples = 0;
    for (let r = 0; r < repeats; r++) {
      for (const [key, concurrency] of [['one', 1], ['all', cores]] as const) {
        const grid = await runThroughServices(spec, concurrency, backend);
        if (grid.trials.some((t) => t.status !== 'completed')) throw new Error(`a bench trial did not complete: ${grid.trials.map((t) => t.status).join(', ')}`);
        walls[key].push(grid.wallSeconds);
        samples = grid.trials.reduce((n, t) => n + t.samples, 0);
        options.log(`   concurrency ${concurrency}: ${grid.wallSeconds.toFixed(1)} s`);
      }
    }
    const one = summarize(walls.one);
    const all = summarize(walls.all);
    const ratio = all.median / one.median;

    let peer: (PeerGrid & { skipped?: string; wall?: Summary }) = {};
    if (options.args['no-peer']) peer = { skipped: 'skipped (--no-peer)' };
    else if (!existsSync('/usr/bin/python3')) peer = { skipped: 'skipped: /usr/bin/python3 not found (apt-get install -y python3-torch libopenblas0-pthread)' };
    else {
      const { env } = peerEnv(cores);
      const peerWalls: number[] = [];
      for (let r = 0; r < repeats; r++) {
        const out = spawnSync('/usr/bin/python3', [join(benchDir(), 'peer_pytorch_grid.py'), '--trials', '8', '--epochs', String(epochs), '--batch', String(batch), '--threads', String(cores)], { env, encoding: 'utf8', timeout: 20 * 60_000 });
        const parsed = JSON.parse(out.stdout.trim().split('\n').at(-1) || '{}') as PeerGrid;
        if (parsed.error || parsed.wallSeconds === undefined) {
          peer = { skipped: `skipped: ${parsed.error ?? `no result (exit ${out.status})`} (apt-get install -y python3-torch libopenblas0-pthread)` };
          break;
        }
        peer = parsed;
        peerWalls.push(parsed.wallSeconds);
        options.log(`   PyTorch sequential: ${parsed.wallSeconds.toFixed(1)} s`);
      }
      if (peerWalls.length) peer.wall = summarize(peerWalls);
    }
    const aggregate = samples / all.median;
    const peerAggregate = peer.wall && peer.samples ? peer.samples / peer.wall.median : null;
    const loadEnd = currentLoad();
    const json = {
      machine: { ...machine, loadEnd },
      setup: { trials: 8, model: 'MLP 784-128-10', dataset: 'mnist-10k (8000/2000)', batch, epochs, backend, samples },
      wallSeconds: { concurrency1: one, [`concurrency${cores}`]: all },
      speedupRatio: ratio,
      aggregateSamplesPerSecond: aggregate,
      peer: { ...peer, aggregateSamplesPerSecond: peerAggregate },
      targets: {
        concurrency: { target: SPEEDUP_TARGET, ratio, met: ratio <= SPEEDUP_TARGET },
        peer: peerAggregate === null ? null : { target: PEER_TARGET, ratio: aggregate / peerAggregate, met: aggregate / peerAggregate >= PEER_TARGET },
      },
    };
    const fmt = (s: Summary) => `${s.median.toFixed(1)} (${s.min.toFixed(1)}–${s.max.toFixed(1)})`;
    const lines = [
      '## Grid scaling',
      '',
      `Machine: ${machine.cpu}, ${cores} cores, Node ${machine.node}; 1-min load ${machine.loadStart} at start, ${loadEnd} at end.`,
      `8 trials of the reference MLP on mnist-10k (B = ${batch}, ${epochs} epoch(s), validation every epoch), ${backend} backend; wall time from submitting the grid to its last trial; median (min–max) of ${repeats}.`,
      '',
      '| run | wall seconds | aggregate samples/s |',
      '|---|---|---|',
      `| Epochlab, concurrency 1 | ${fmt(one)} | ${compact(samples / one.median)} |`,
      `| Epochlab, concurrency ${cores} | ${fmt(all)} | ${compact(aggregate)} |`,
      peer.wall ? `| PyTorch ${peer.torch}, ${peer.threads} threads, trials one after another | ${fmt(peer.wall)} | ${compact(peerAggregate!)} |` : `| PyTorch | ${peer.skipped ?? 'skipped'} | – |`,
      '',
      `Concurrency ${cores} takes ${ratio.toFixed(2)}× the time of concurrency 1 — target ≤ ${SPEEDUP_TARGET}: ${ratio <= SPEEDUP_TARGET ? 'met' : `missed by ${(ratio - SPEEDUP_TARGET).toFixed(2)}`}.`,
      peerAggregate === null
        ? 'Aggregate against PyTorch: not checked, the peer did not run.'
        : `Aggregate samples/s: ${(aggregate / peerAggregate).toFixed(2)}× PyTorch — target ≥ ${PEER_TARGET}: ${aggregate / peerAggregate >= PEER_TARGET ? 'met' : `missed by ${(PEER_TARGET - aggregate / peerAggregate).toFixed(2)}`}.`,
    ];
    return { json, markdown: lines.join('\n') };
  },
};
