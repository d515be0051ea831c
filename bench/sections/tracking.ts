/**
 * Tracking overhead (issue 4): a full Epochlab trial — worker thread, per-iteration metrics to SQLite,
 * live events, checkpoints — against the bare training loop (the same trainTrial, same backend, same
 * data, no worker, no store, no events, no checkpoints) in this thread. Target: overhead ≤ 2 %.
 *
 * Both sides train the reference MLP on mnist-10k (8000 rows) for --epochs at B = --batch, --repeats times
 * after a warm-up, alternating bare and tracked; trials differ only in seed. Evaluation on the 2000
 * validation rows is in both. A tracked trial is timed from its `running` event (its dataset is loaded)
 * to its end, on a warm worker.
 *
 * Args: --backend wasm  --batch 128  --epochs 3  --repeats 9
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackendChoice } from '../../src-main/contract';
import { initBackend } from '../../src-main/engine/backends/select';
import { loadDataset, splitDataset } from '../../src-main/engine/datasets/catalog';
import { parseSpec, expandTrials } from '../../src-main/engine/search';
import { trainTrial } from '../../src-main/engine/training/train';
import { openBenchServices, referenceSpec, trainThroughServices } from '../lib/epochlab';
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
    const epochs = Number(options.args.epochs ?? (options.quick ? 1 : 3));
    const repeats = Number(options.args.repeats ?? (options.quick ? 2 : 9));
    const seeds = Array.from({ length: repeats + 1 }, (_, i) => i + 1);
    const dataDir = mkdtempSync(join(tmpdir(), 'epochlab-bench-tracking-'));
    try {
      const info = await initBackend(backend);
      const spec = parseSpec(referenceSpec({ batchSize: batch, epochs, seed: seeds }));
      const full = await loadDataset(spec.dataset, { dataDir });
      const { train, val } = await splitDataset(full, spec.validation, { dataDir });
      const samplesPerTrial = train.y.length * epochs;
      const services = await openBenchServices(dataDir, 1, backend);
      const bare: number[] = [];
      const tracked: number[] = [];
      try {
        // Interleaved, so that a drift in machine load hits both sides alike; round 0 is the warm-up
        // (JIT, the worker's backend and dataset cache).
        for (const [round, params] of expandTrials(spec).entries()) {
          const t0 = performance.now();
          await trainTrial({
            config: { params, model: spec.model, dataset: spec.dataset, validation: spec.validation, training: spec.training },
            data: { train, val, inputShape: train.info.inputShape, numClasses: train.info.numClasses },
            sink: { iterations: () => undefined, epoch: () => undefined, checkpoint: () => undefined },
            isCancelled: () => false,
            flushIntervalMs: 250,
            checkpoints: null,
          });
          const bareSeconds = (performance.now() - t0) / 1000;
          const [trial] = (await trainThroughServices(services, referenceSpec({ batchSize: batch, epochs, seed: params.seed }))).trials;
          if (trial.status !== 'completed') throw new Error(`the tracked trial ended ${trial.status}`);
          options.log(`   round ${round}: bare ${bareSeconds.toFixed(2)} s, tracked ${trial.seconds.toFixed(2)} s${round === 0 ? ' (warm-up)' : ''}`);
          if (round === 0) continue;
          bare.push(bareSeconds);
          tracked.push(trial.seconds);
        }
      } finally {
        await services.close();
      }
      const bareS = summarize(bare);
      const fullS = summarize(tracked);
      const overhead = fullS.median / bareS.median - 1;
      const loadEnd = currentLoad();
      const json = {
        machine: { ...machine, loadEnd },
        backend: info,
        setup: { model: 'MLP 784-128-10', dataset: 'mnist-10k (8000 train / 2000 val)', batch, epochs, repeats, samplesPerTrial },
        bareSeconds: bareS,
        trackedSeconds: fullS,
        bareSamplesPerSecond: summarize(bare.map((s) => samplesPerTrial / s)),
        trackedSamplesPerSecond: summarize(tracked.map((s) => samplesPerTrial / s)),
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
