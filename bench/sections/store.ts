/**
 * Store (issue 4): metric ingest in points/s through the RunStore (batches of 500 iteration rows of 5
 * metrics, as workers send them), and the latency of one downsampled series query in a database of
 * 100 runs × 10k iterations. Targets: ingest ≥ 300k points/s; 10k points → ≤ 2k points in < 20 ms.
 *
 * Args: --runs 100  --iterations 10000  --queries 21
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { iterationAccounting, type IterationMetric } from '../../src-main/contract';
import { expandTrials, parseSpec } from '../../src-main/engine/search';
import { openStore } from '../../src-main/store';
import { currentLoad, machineInfo } from '../lib/machine';
import type { BenchOptions, Section, SectionResult } from '../lib/section';
import { compact, summarize } from '../lib/stats';

const POINTS_PER_ROW = 5; // loss, accuracy, learning rate, batch size, elapsed time
const BATCH = 500;
const INGEST_TARGET = 300_000;
const QUERY_TARGET_MS = 20;
const MAX_POINTS = 2000;

function rows(start: number, count: number, epochLength: number): IterationMetric[] {
  const out: IterationMetric[] = [];
  for (let i = 0; i < count; i++) {
    const step = start + i;
    out.push({
      step, epoch: Math.ceil(step / epochLength), batch: (step - 1) % epochLength, batchSize: 32,
      loss: 2 * Math.exp(-step / 3000) + 0.05 * Math.sin(step), accuracy: 1 - Math.exp(-step / 2000), learningRate: 1e-3, elapsedMs: step * 4,
    });
  }
  return out;
}

export const storeSection: Section = {
  id: 'store',
  title: 'Store: metric ingest and downsampled series queries',
  async run(options: BenchOptions): Promise<SectionResult> {
    const machine = machineInfo();
    const runCount = Number(options.args.runs ?? (options.quick ? 10 : 100));
    const iterations = Number(options.args.iterations ?? 10_000);
    const queries = Number(options.args.queries ?? (options.quick ? 5 : 21));
    const dir = mkdtempSync(join(tmpdir(), 'epochlab-bench-store-'));
    try {
      const store = openStore(join(dir, 'bench.sqlite'));
      const accounting = iterationAccounting(32 * 100, 32, iterations / 100);
      const spec = parseSpec({ name: 'bench', dataset: { id: 'spiral' }, model: { template: 'mlp' }, params: { batchSize: 32, epochs: iterations / 100 } });
      const [params] = expandTrials(spec);
      const config = { params, model: spec.model, dataset: spec.dataset, validation: spec.validation, training: spec.training };
      const { runIds } = store.createExperiment(spec, Array.from({ length: runCount }, (_, index) => ({ index, accounting, config })));
      const perRun: number[] = [];
      let totalRows = 0;
      const t0 = performance.now();
      for (const runId of runIds) {
        const started = performance.now();
        for (let s = 1; s <= iterations; s += BATCH) {
          const batch = rows(s, Math.min(BATCH, iterations - s + 1), 100);
          store.appendIterations(runId, batch);
          totalRows += batch.length;
        }
        perRun.push((iterations * POINTS_PER_ROW) / ((performance.now() - started) / 1000));
      }
      const ingestSeconds = (performance.now() - t0) / 1000;
      const ingest = summarize(perRun);
      options.log(`   ingest: ${compact(ingest.median)} points/s per run (median of ${runCount}), ${compact((totalRows * POINTS_PER_ROW) / ingestSeconds)} overall`);

      const latencies: number[] = [];
      let returned = 0;
      store.getIterationSeries(runIds[0], 'loss', MAX_POINTS); // warm-up
      for (let q = 0; q < queries; q++) {
        const runId = runIds[(q * 37) % runIds.length];
        const started = performance.now();
        returned = store.getIterationSeries(runId, 'loss', MAX_POINTS).length;
        latencies.push(performance.now() - started);
      }
      const query = summarize(latencies);
      store.close();
      const loadEnd = currentLoad();
      const json = {
        machine: { ...machine, loadEnd },
        database: { runs: runCount, iterationsPerRun: iterations, rows: totalRows, pointsPerRow: POINTS_PER_ROW, batchRows: BATCH },
        ingestPointsPerSecond: ingest,
        ingestOverallPointsPerSecond: (totalRows * POINTS_PER_ROW) / ingestSeconds,
        seriesQueryMs: query,
        seriesPointsReturned: returned,
        targets: {
          ingest: { target: INGEST_TARGET, ratio: ingest.median / INGEST_TARGET, met: ingest.median >= INGEST_TARGET },
          seriesQuery: { targetMs: QUERY_TARGET_MS, met: query.median < QUERY_TARGET_MS && returned <= MAX_POINTS },
        },
      };
      const markdown = [
        '## Store',
        '',
        `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; 1-min load ${machine.loadStart} at start, ${loadEnd} at end.`,
        `Database: ${runCount} runs × ${iterations.toLocaleString('en-US')} iterations (${totalRows.toLocaleString('en-US')} rows of ${POINTS_PER_ROW} metric values), WAL, synchronous=NORMAL, batches of ${BATCH} rows.`,
        '',
        '| measure | median (min–max) | target | met |',
        '|---|---|---|---|',
        `| ingest, points/s (per run) | ${compact(ingest.median)} (${compact(ingest.min)}–${compact(ingest.max)}) | ≥ ${compact(INGEST_TARGET)} | ${json.targets.ingest.met ? 'yes' : `no (${(ingest.median / INGEST_TARGET).toFixed(2)}×)`} |`,
        `| one series, ${iterations.toLocaleString('en-US')} → ${returned} points, ms | ${query.median.toFixed(1)} (${query.min.toFixed(1)}–${query.max.toFixed(1)}) | < ${QUERY_TARGET_MS} | ${json.targets.seriesQuery.met ? 'yes' : `no (${(query.median / QUERY_TARGET_MS).toFixed(2)}× the limit)`} |`,
      ].join('\n');
      return { json, markdown };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
