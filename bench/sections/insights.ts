/**
 * What the analysis section costs (issue 9): the gradient noise scale measured in the training loop (its
 * split steps) against the same trial without it, in the same run, alternating; and sharpness at the end
 * of training (one checkpoint: the loss, the top Hessian eigenvalue, ε-sharpness) against one epoch.
 *
 * Reference MLP on mnist-10k, the bare training loop in this thread (no worker, no store), --repeats trials
 * each way after a warm-up, trials differing only in seed. Whole trials drift with the machine's load, so
 * the split step is also timed against the plain step one for one, interleaved on the same weights and
 * batch (--steps of each): the overhead at one split step in N is (split / plain − 1) / N.
 *
 * Args: --backend wasm  --batches 32,128  --epochs 2  --repeats 5  --every 10  --steps 200
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharpnessPasses, type BackendChoice, type RunInsight, type SharpnessResult } from '../../src-main/contract';
import { initBackend } from '../../src-main/engine/backends/select';
import { loadDataset, splitDataset } from '../../src-main/engine/datasets/catalog';
import { expandTrials, parseSpec } from '../../src-main/engine/search';
import { buildModel } from '../../src-main/engine/training/model';
import { createOptimizer } from '../../src-main/engine/training/optimizer';
import { splitTrainStep } from '../../src-main/engine/training/split-step';
import { batchObjective, trainStep, trainTrial } from '../../src-main/engine/training/train';
import { referenceSpec } from '../lib/epochlab';
import { currentLoad, machineInfo } from '../lib/machine';
import type { BenchOptions, Section, SectionResult } from '../lib/section';
import { summarize, type Summary } from '../lib/stats';

interface StepRow {
  batch: number;
  plainMs: Summary;
  splitMs: Summary;
  /** Median split step over median plain step. */
  ratio: number;
  /** What one split step in `every` adds to the step time. */
  overheadAtEvery: number;
}

interface NoiseRow {
  batch: number;
  off: Summary;
  on: Summary;
  /** Median of the per-pair ratios on / off (each pair trained back to back). */
  ratio: Summary;
  /** The run's own overhead estimate (median over its epochs' rows). */
  selfReported: number | null;
}

export const insightsSection: Section = {
  id: 'insights',
  title: 'Analysis cost: gradient noise scale in the loop, sharpness at the end',
  async run(options: BenchOptions): Promise<SectionResult> {
    const machine = machineInfo();
    const backend = (options.args.backend ?? 'wasm') as BackendChoice;
    const batches = (options.args.batches ?? '32,128').split(',').map(Number);
    const epochs = Number(options.args.epochs ?? (options.quick ? 1 : 2));
    const repeats = Number(options.args.repeats ?? (options.quick ? 2 : 5));
    const every = Number(options.args.every ?? 10);
    const dataDir = mkdtempSync(join(tmpdir(), 'epochlab-bench-insights-'));
    try {
      const info = await initBackend(backend);
      const base = parseSpec(referenceSpec({ batchSize: 32, epochs: 1 }));
      const full = await loadDataset(base.dataset, { dataDir });
      const { train, val } = await splitDataset(full, base.validation, { dataDir });
      const data = { train, val, inputShape: train.info.inputShape, numClasses: train.info.numClasses };
      const runTrial = async (batch: number, seed: number, analysis: object, trialEpochs = epochs) => {
        const spec = parseSpec({ ...referenceSpec({ batchSize: batch, epochs: trialEpochs, seed }), analysis });
        const params = expandTrials(spec)[0];
        const insights: RunInsight[] = [];
        const t0 = performance.now();
        const end = await trainTrial({
          config: { params, model: spec.model, dataset: spec.dataset, validation: spec.validation, training: spec.training, analysis: spec.analysis },
          data, sink: { iterations: () => undefined, epoch: () => undefined, checkpoint: () => undefined, insight: (i) => insights.push(i) },
          isCancelled: () => false, flushIntervalMs: 250, checkpoints: null,
        });
        if (end.status !== 'completed') throw new Error(`the trial ended ${end.status}: ${end.reason}`);
        return { seconds: (performance.now() - t0) / 1000, insights };
      };

      const steps = Number(options.args.steps ?? (options.quick ? 30 : 200));
      const stepRows: StepRow[] = [];
      for (const batch of batches) {
        const params = expandTrials(parseSpec(referenceSpec({ batchSize: batch, epochs: 1 })))[0];
        const model = buildModel(base.model, params, { inputShape: data.inputShape, numClasses: data.numClasses });
        const optimizer = createOptimizer('adam', 0.001);
        const plain: number[] = [];
        const split: number[] = [];
        for (let i = 0; i < steps + 20; i++) {
          const start = ((i * batch) % (train.y.length - batch));
          let t = performance.now();
          const a = trainStep(model, optimizer, [], 0, data, null, start, batch);
          await a.data();
          a.dispose();
          const plainMs = performance.now() - t;
          t = performance.now();
          const b = splitTrainStep(model, optimizer, (from, n) => batchObjective(model, [], 0, data, null, start + from, n), batch);
          await b.data();
          b.dispose();
          // The first steps compile kernels and grow the heap: left out.
          if (i >= 20) {
            plain.push(plainMs);
            split.push(performance.now() - t);
          }
        }
        optimizer.dispose();
        model.dispose();
        const p = summarize(plain);
        const q = summarize(split);
        stepRows.push({ batch, plainMs: p, splitMs: q, ratio: q.median / p.median, overheadAtEvery: (q.median / p.median - 1) / every });
        options.log(`   B = ${batch}: plain step ${p.median.toFixed(2)} ms, split step ${q.median.toFixed(2)} ms (${steps} each, interleaved)`);
      }

      const noise: NoiseRow[] = [];
      for (const batch of batches) {
        const off: number[] = [];
        const on: number[] = [];
        const ratios: number[] = [];
        const reported: number[] = [];
        for (let round = 0; round <= repeats; round++) {
          const a = await runTrial(batch, round + 1, {});
          const b = await runTrial(batch, round + 1, { noiseScale: { everySteps: every } });
          options.log(`   B = ${batch} round ${round}: off ${a.seconds.toFixed(2)} s, on ${b.seconds.toFixed(2)} s${round === 0 ? ' (warm-up)' : ''}`);
          if (round === 0) continue;
          off.push(a.seconds);
          on.push(b.seconds);
          ratios.push(b.seconds / a.seconds);
          for (const i of b.insights) if (i.kind === 'noise-scale' && i.row.overhead !== null) reported.push(i.row.overhead);
        }
        const self = summarize(reported);
        noise.push({ batch, off: summarize(off), on: summarize(on), ratio: summarize(ratios), selfReported: self.n ? self.median : null });
      }

      // Sharpness: one trial of one epoch with it on; its seconds per checkpoint against the epoch's.
      const batch = batches[batches.length - 1];
      const epochOnly = await runTrial(batch, 99, {}, 1);
      const withSharpness = await runTrial(batch, 99, { sharpness: {} }, 1);
      const rows = withSharpness.insights.flatMap((i) => (i.kind === 'sharpness' ? i.rows : [])) as SharpnessResult[];
      const last = rows.find((r) => r.checkpoint === 'last')!;
      const passes = sharpnessPasses(parseSpec({ ...referenceSpec({}), analysis: { sharpness: {} } }).analysis.sharpness!);
      const loadEnd = currentLoad();
      const json = {
        machine: { ...machine, loadEnd },
        backend: info,
        setup: { model: 'MLP 784-128-10, Adam', dataset: 'mnist-10k (8000 train / 2000 val)', epochs, repeats, noiseScaleEvery: every },
        steps: stepRows,
        noiseScale: noise,
        sharpness: { batch, epochSeconds: epochOnly.seconds, checkpointSeconds: last.seconds, subset: last.subset, powerIterations: last.powerIterations, converged: last.converged, maxPasses: passes },
      };
      const pct = (ratio: number) => `${ratio >= 1 ? '+' : '−'}${Math.abs(100 * (ratio - 1)).toFixed(1)} %`;
      const markdown = [
        '## Analysis cost',
        '',
        `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; 1-min load ${machine.loadStart} at start, ${loadEnd} at end. Backend: ${info.name} ${info.version} (${info.device}).`,
        `Reference MLP on mnist-10k, ${epochs} epoch(s) per trial, bare training loop; median (min–max) of ${repeats} pairs after a warm-up, each pair trained back to back.`,
        '',
        `One step each way, interleaved on the same weights and batches, ${steps} of each after 20 of warm-up (median, min–max):`,
        '',
        `| batch | plain step, ms | split step, ms | split / plain | overhead at one split step in ${every} |`,
        '|---|---|---|---|---|',
        ...stepRows.map((r) => `| ${r.batch} | ${r.plainMs.median.toFixed(2)} (${r.plainMs.min.toFixed(2)}–${r.plainMs.max.toFixed(2)}) | ${r.splitMs.median.toFixed(2)} (${r.splitMs.min.toFixed(2)}–${r.splitMs.max.toFixed(2)}) | ${r.ratio.toFixed(2)} | +${(100 * r.overheadAtEvery).toFixed(1)} % |`),
        '',
        'Whole trials, on against off (each pair back to back):',
        '',
        `| batch | noise scale off, s | noise scale on (every ${every} steps), s | on / off | the run's own estimate |`,
        '|---|---|---|---|---|',
        ...noise.map((r) => `| ${r.batch} | ${r.off.median.toFixed(2)} (${r.off.min.toFixed(2)}–${r.off.max.toFixed(2)}) | ${r.on.median.toFixed(2)} (${r.on.min.toFixed(2)}–${r.on.max.toFixed(2)}) | ${r.ratio.median.toFixed(3)} (${pct(r.ratio.median)}; ${r.ratio.min.toFixed(3)}–${r.ratio.max.toFixed(3)}) | ${r.selfReported === null ? '—' : `+${(100 * r.selfReported).toFixed(1)} %`} |`),
        '',
        `Sharpness at one checkpoint (${last.subset} rows, ${last.powerIterations} power iterations${last.converged ? ', converged' : ', not converged'}, ≤ ${passes} gradient passes): ${last.seconds.toFixed(2)} s, against ${epochOnly.seconds.toFixed(2)} s for one training epoch at B = ${batch} (${(last.seconds / epochOnly.seconds).toFixed(2)}×).`,
      ].join('\n');
      return { json, markdown };
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
