/**
 * Serve mode with many viewers (docs/reliability.md H3): the same grid trained by `epochlab serve`'s
 * services with nobody watching, and with 20 live WebSocket viewers plus 4 HTTP clients reading runs,
 * epochs and curves in a loop — alternating, in one run. Target: training throughput with viewers within
 * 10 % of without (ratio ≥ 0.9). Viewers and readers are clients in this process, readers paced at one
 * request per 250 ms each; throughput is each trial's samples over its own time, summed. The correctness side (no BUSY, order, final state) is
 * test/server/viewers.test.ts.
 *
 * Trials: the reference MLP on mnist-10k, B = --batch, --epochs epochs, 2 seeds at concurrency 2 (both
 * cores train); progress flushed every 250 ms as in the app.
 *
 * Args: --backend wasm  --batch 128  --epochs 2  --repeats 3  --viewers 20  --readers 4
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { WS_EVENTS_PATH, type BackendChoice } from '../../src-main/contract';
import { startServer } from '../../src-main/server/server';
import { openBenchServices, referenceSpec, trainThroughServices } from '../lib/epochlab';
import { currentLoad, machineInfo } from '../lib/machine';
import type { BenchOptions, Section, SectionResult } from '../lib/section';
import { formatSummary, summarize } from '../lib/stats';

const TARGET = 0.9;
const TOKEN = 'bench-viewers-token-0123456789';
const READ_INTERVAL_MS = 250;

async function trainOnce(backend: BackendChoice, batch: number, epochs: number, seed: number, viewers: number, readers: number): Promise<{ samplesPerSecond: number; events: number; reads: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'epochlab-bench-viewers-'));
  const staticDir = join(dataDir, 'static');
  mkdirSync(staticDir);
  const services = await openBenchServices(dataDir, 2, backend);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Epochlab</title>');
  const server = await startServer(services, { staticDir, token: TOKEN, log: () => undefined });
  const cookie = `epochlab_token_${server.port}=${TOKEN}`;
  const sockets: WebSocket[] = [];
  let events = 0;
  let reads = 0;
  let training = true;
  try {
    for (let i = 0; i < viewers; i++) {
      sockets.push(await new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}${WS_EVENTS_PATH}`, { headers: { Cookie: cookie } });
        ws.on('message', () => events++);
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      }));
    }
    const post = (method: string, body: unknown) =>
      fetch(`http://127.0.0.1:${server.port}/api/${method}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie }, body: JSON.stringify(body) }).then((r) => r.text());
    const loops = Array.from({ length: readers }, async (_, i) => {
      const calls: Array<[string, unknown]> = [
        ['listExperiments', {}], ['getExperiment', { experimentId: 1 }],
        ['getIterationSeries', { runIds: [1, 2], series: 'loss', maxPoints: 1000 }], ['getEpochMetrics', { runIds: [1, 2] }],
      ];
      // Paced like a busy UI (each reader refreshes every READ_INTERVAL_MS): the clients are not the server.
      for (let n = i; training; n++) {
        const started = performance.now();
        await post(...calls[n % calls.length]);
        reads++;
        await new Promise((r) => setTimeout(r, Math.max(0, READ_INTERVAL_MS - (performance.now() - started))));
      }
    });
    const grid = await trainThroughServices(services, referenceSpec({ batchSize: batch, epochs, seed: [seed, seed + 1] }));
    training = false;
    await Promise.all(loops);
    // Training throughput: each trial from its `running` event (dataset loaded) to its end, both at once.
    return { samplesPerSecond: grid.trials.reduce((sum, t) => sum + t.samples / t.seconds, 0), events, reads };
  } finally {
    for (const ws of sockets) ws.terminate();
    await server.close();
    await services.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export const viewersSection: Section = {
  id: 'viewers',
  title: 'Serve mode: training throughput with 20 live viewers and 4 readers, against nobody watching',
  async run(options: BenchOptions): Promise<SectionResult> {
    const machine = machineInfo();
    const backend = (options.args.backend ?? 'wasm') as BackendChoice;
    const batch = Number(options.args.batch ?? 128);
    const epochs = Number(options.args.epochs ?? (options.quick ? 1 : 2));
    const repeats = Number(options.args.repeats ?? (options.quick ? 1 : 3));
    const viewers = Number(options.args.viewers ?? 20);
    const readers = Number(options.args.readers ?? 4);
    const alone: number[] = [];
    const watched: number[] = [];
    let events = 0;
    let reads = 0;
    // A warm-up (caches, JIT), then alternating rounds so that a drift in machine load hits both sides alike.
    await trainOnce(backend, batch, 1, 100, 0, 0);
    for (let round = 0; round < repeats; round++) {
      const a = await trainOnce(backend, batch, epochs, 1 + 2 * round, 0, 0);
      const w = await trainOnce(backend, batch, epochs, 1 + 2 * round, viewers, readers);
      options.log(`   round ${round + 1}: alone ${a.samplesPerSecond.toFixed(0)} samples/s, watched ${w.samplesPerSecond.toFixed(0)} (${w.events} events to viewers, ${w.reads} reads)`);
      alone.push(a.samplesPerSecond);
      watched.push(w.samplesPerSecond);
      events += w.events;
      reads += w.reads;
    }
    const aloneS = summarize(alone);
    const watchedS = summarize(watched);
    const ratio = watchedS.median / aloneS.median;
    const loadEnd = currentLoad();
    const json = {
      machine: { ...machine, loadEnd },
      setup: { model: 'MLP 784-128-10', dataset: 'mnist-10k', batch, epochs, trials: 2, concurrency: 2, viewers, readers, repeats },
      aloneSamplesPerSecond: aloneS,
      watchedSamplesPerSecond: watchedS,
      ratio,
      eventsPerRound: events / repeats,
      readsPerRound: reads / repeats,
      target: { minRatio: TARGET, met: ratio >= TARGET },
    };
    const markdown = [
      '## Serve mode with viewers',
      '',
      `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; 1-min load ${machine.loadStart} at start, ${loadEnd} at end.`,
      `Two trials of the reference MLP on mnist-10k (B = ${batch}, ${epochs} epochs) at concurrency 2 behind the serve-mode server; median (min–max) of ${repeats} alternating rounds after a warm-up.`,
      '',
      '| | aggregate samples/s |',
      '|---|---|',
      `| nobody watching | ${formatSummary(aloneS)} |`,
      `| ${viewers} WebSocket viewers + ${readers} HTTP readers (${Math.round(events / repeats)} events sent, ${Math.round(reads / repeats)} reads per round) | ${formatSummary(watchedS)} |`,
      '',
      `Ratio watched / alone: ${ratio.toFixed(2)} — target ≥ ${TARGET}: ${ratio >= TARGET ? 'met' : 'missed'}.`,
    ].join('\n');
    return { json, markdown };
  },
};
