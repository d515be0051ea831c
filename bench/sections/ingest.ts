/**
 * Live ingest (docs/reliability.md H1): one run logging as fast as it can — a worker that sends 1M iteration rows
 * (5 metric values each) in batches, as the training worker does — through the real pool, runner, store and
 * event hub. Measures sustained rows/s and the main thread's event-loop delay while it lasts (p50/p99/max):
 * the main thread is also the UI's and the server's, so it must stay responsive. Targets: ≥ 100k rows/s,
 * p99 event-loop delay < 100 ms.
 *
 * Args: --steps 1000000  --batch 2500
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseApiInput } from '../../src-main/contract';
import { createServices } from '../../src-main/services/create-services';
import { currentLoad, machineInfo } from '../lib/machine';
import type { BenchOptions, Section, SectionResult } from '../lib/section';
import { compact } from '../lib/stats';

const ROWS_TARGET = 100_000;
const LAG_TARGET_MS = 100;

/** A stand-in training worker that only produces rows: what the main thread must absorb at full speed. */
const FLOOD_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
parentPort.on('message', ({ job }) => {
  const { steps, batch } = workerData.flood;
  const runId = job.runId;
  parentPort.postMessage({ type: 'started', runId, backend: { name: 'cpu', version: 'flood', device: 'none' }, datasetFingerprint: 'flood', nTrain: 1, nVal: 0 });
  const t0 = Date.now();
  for (let start = 1; start <= steps; start += batch) {
    const rows = [];
    for (let step = start; step < start + batch && step <= steps; step++) {
      rows.push({ step, epoch: Math.ceil(step / 1000), batch: (step - 1) % 1000, batchSize: 32, loss: 1 / step, accuracy: 0.5, learningRate: 0.001, elapsedMs: Date.now() - t0 });
    }
    parentPort.postMessage({ type: 'iterations', runId, rows });
  }
  parentPort.postMessage({ type: 'finished', runId, end: { status: 'completed', reason: null, bestEpoch: null } });
});
`;

export const ingestSection: Section = {
  id: 'ingest',
  title: 'Live ingest: one run logging 1M steps through the pool, runner, store and events',
  async run(options: BenchOptions): Promise<SectionResult> {
    const machine = machineInfo();
    const steps = Number(options.args.steps ?? (options.quick ? 100_000 : 1_000_000));
    const batch = Number(options.args.batch ?? 2500);
    const dir = mkdtempSync(join(tmpdir(), 'epochlab-bench-ingest-'));
    try {
      const script = join(dir, 'flood-worker.cjs');
      writeFileSync(script, FLOOD_WORKER.replace('workerData.flood', JSON.stringify({ steps, batch })));
      const services = await createServices({ dataDir: join(dir, 'data'), concurrency: 1, backend: 'cpu', workerScript: script });
      let events = 0;
      const off = services.subscribe(() => events++);
      const lag = monitorEventLoopDelay({ resolution: 10 });
      try {
        lag.enable();
        const t0 = performance.now();
        const spec = { name: 'ingest', dataset: { id: 'spiral' }, model: { template: 'mlp' }, params: { batchSize: 32, epochs: 1 } };
        const experiment = await services.api.createExperiment(parseApiInput('createExperiment', { spec }));
        await services.runner.idle();
        const seconds = (performance.now() - t0) / 1000;
        lag.disable();
        const [run] = (await services.api.getExperiment({ experimentId: experiment.id })).runs;
        if (run.stepsDone !== steps) throw new Error(`stored ${run.stepsDone} of ${steps} steps`);
        const rowsPerSecond = steps / seconds;
        const ms = (ns: number) => ns / 1e6;
        const delay = { p50: ms(lag.percentile(50)), p99: ms(lag.percentile(99)), max: ms(lag.max) };
        const loadEnd = currentLoad();
        const json = {
          machine: { ...machine, loadEnd },
          setup: { steps, rowsPerMessage: batch, pointsPerRow: 5 },
          seconds, rowsPerSecond, pointsPerSecond: rowsPerSecond * 5, eventsEmitted: events, eventLoopDelayMs: delay,
          targets: {
            rows: { target: ROWS_TARGET, met: rowsPerSecond >= ROWS_TARGET },
            lag: { targetMs: LAG_TARGET_MS, met: delay.p99 < LAG_TARGET_MS },
          },
        };
        const markdown = [
          '## Live ingest',
          '',
          `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; 1-min load ${machine.loadStart} at start, ${loadEnd} at end.`,
          `One run sending ${steps.toLocaleString('en-US')} iteration rows of 5 metric values in messages of ${batch} rows, as fast as a worker can, through the pool, runner, SQLite store and event hub (${events.toLocaleString('en-US')} live events emitted).`,
          '',
          '| measure | value | target | met |',
          '|---|---|---|---|',
          `| sustained rows/s | ${compact(rowsPerSecond)} (${seconds.toFixed(1)} s) | ≥ ${compact(ROWS_TARGET)} | ${json.targets.rows.met ? 'yes' : 'no'} |`,
          `| main event-loop delay p50 / p99 / max, ms | ${delay.p50.toFixed(1)} / ${delay.p99.toFixed(1)} / ${delay.max.toFixed(1)} | p99 < ${LAG_TARGET_MS} | ${json.targets.lag.met ? 'yes' : 'no'} |`,
        ].join('\n');
        return { json, markdown };
      } finally {
        off();
        await services.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
