/**
 * Tracking overhead (issue 4): a full Epochlab trial — worker thread, per-iteration metrics to SQLite,
 * live events, checkpoints — against the bare training loop (the same trainTrial, same backend, same
 * data, no worker, no store, no events, no checkpoints) in this thread. Target: overhead ≤ 2 %.
 *
 * Both sides train the reference MLP on mnist-10k (8000 rows) for --epochs at B = --batch, --repeats times
 * after a warm-up; trials differ only in seed. Evaluation on the 2000 validation rows is in both.
 *
 * Args: --backend wasm  --batch 128  --epochs 2  --repeats 5
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackendChoice } from '../../src-main/contract';
import { initBackend } from '../../src-main/engine/backends';
import { loadDataset, splitDataset } from '../../src-main/engine/datasets';
import { parseSpec, expandTrials } from '../../src-main/engine/search';
import { trainTrial } from '../../src-main/engine/training/train';
import { referenceSpec, runThroughServices } from '../lib/epochlab';
import { currentLoad, machineInfo } from '../lib/machine';
import type { BenchOptions, Section, SectionResult } from '../lib/section';
import { compact, formatSummary, summarize } from '../lib/stats';

const TARGET = 0.02;

export const trackingSection: Section = {
  id: 'tracking',
  title: 'Tracking overhead: a full Epochlab trial against the bare training loop',
  async run(options: BenchOptions): Promise<SectionResult> {
    const machine = machineInfo();
    const backend = (options.args.backend ?? 'wasm') as BackendChoice;
    const batch = Number(options.args.batch ?? 128);
    const epochs = Number(options.args.epochs ?? (options.quick ? 1 : 2));
    const repeats = Number(options.args.repeats ?? (options.quick ? 2 : 5));
    const seeds = Array.from({ length: repeats + 1 }, (_, i) => i + 1);
    const dataDir = mkdtempSync(join(tmpdir(), 'epochlab-bench-tracking-'));
    try {
      // Bare: the engine's own loop, in this thread.
      const info = await initBackend(backend);
      const spec = parseSpec(referenceSpec({ batchSize: batch, epochs, seed: seeds }));
      const full = await loadDataset(spec.dataset, { dataDir });
      const { train, val } = await splitDataset(full, spec.validation, { dataDir });
      const bare: number[] = [];
      let samplesPerTrial = 0;
      for (const params of expandTrials(spec)) {
        const t0 = performance.now();
        await trainTrial({
          config: { params, model: spec.model, dataset: spec.dataset, validation: spec.validation, training: spec.training },
          data: { train, val, inputShape: train.info.inputShape, numClasses: train.info.numClasses },
          sink: { iterations: () => undefined, epoch: () => undefined, checkpoint: () => undefined },
          isCancelled: () => false,
          flushIntervalMs: 250,
          checkpoints: null,
        });
        bare.push((performance.now() - t0) / 1000);
        samplesPerTrial = train.y.length * epochs;
        options.log(`   bare trial ${bare.length}: ${bare.at(-1)!.toFixed(2)} s`);
      }
      // Full: the services with one worker (the first trial warms the worker: backend and dataset).
      const grid = await runThroughServices(referenceSpec({ batchSize: batch, epochs, seed: seeds }), 1, backend, dataDir);
      const tracked = grid.trials.map((t) => t.seconds);
      options.log(`   tracked trials: ${tracked.map((s) => s.toFixed(2)).join(', ')} s`);
      const bareS = summarize(bare.slice(1));
      const fullS = summarize(tracked.slice(1));
      const overhead = fullS.median / bareS.median - 1;
      const loadEnd = currentLoad();
      const json = {
        machine: { ...machine, loadEnd },
        backend: info,
        setup: { model: 'MLP 784-128-10', dataset: 'mnist-10k (8000 train / 2000 val)', batch, epochs, repeats, samplesPerTrial },
        bareSeconds: bareS,
        trackedSeconds: fullS,
        bareSamplesPerSecond: summarize(bare.slice(1).map((s) => samplesPerTrial / s)),
        trackedSamplesPerSecond: summarize(tracked.slice(1).map((s) => samplesPerTrial / s)),
        overhead,
        target: { maxOverhead: TARGET, met: overhead <= TARGET },
      };
      const markdown = [
        '## Tracking overhead',
        '',
        `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; 1-min load ${machine.loadStart} at start, ${loadEnd} at end. Backend: ${info.name} ${info.version} (${info.device}).`,
        `Reference MLP on mnist-10k, B = ${batch}, ${epochs} epoch(s) per trial (${samplesPerTrial.toLocaleString('en-US')} samples + validation); median (min–max) of ${repeats} trials after a warm-up.`,
        '',
        '| trial | seconds | samples/s |',
        '|---|---|---|',
        `| bare loop (this thread, no store, no events) | ${bareS.median.toFixed(2)} (${bareS.min.toFixed(2)}–${bareS.max.toFixed(2)}) | ${formatSummary(json.bareSamplesPerSecond)} |`,
        `| full Epochlab trial (worker, SQLite, events, checkpoints) | ${fullS.median.toFixed(2)} (${fullS.min.toFixed(2)}–${fullS.max.toFixed(2)}) | ${formatSummary(json.trackedSamplesPerSecond)} |`,
        '',
        `Overhead: ${(overhead * 100).toFixed(1)} % — target ≤ ${TARGET * 100} %: ${overhead <= TARGET ? 'met' : `missed by ${((overhead - TARGET) * 100).toFixed(1)} points`}. (${compact(samplesPerTrial)} samples per trial.)`,
      ].join('\n');
      return { json, markdown };
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
