/**
 * Many viewers while training (docs/reliability.md H2, H3): the real services behind the real server, a grid
 * training with progress flushed every 10 ms, 20 live WebSocket viewers, 4 more that read nothing until the
 * end (slow), and 4 HTTP clients reading runs, epochs and curves in a loop. Every read answers (no BUSY, no
 * error logged), every viewer sees each run's events in order and ends on the true final state, the slow ones
 * included, and the stored rows are exact. (The coalescing rule itself — latest progress per run for a socket
 * that is behind — is tested on EventFanout in ./events.test.ts; loopback buffers hold megabytes, so a real
 * socket only falls behind after far more events than this run makes. The throughput with and without
 * viewers is compared in `npm run bench`, section viewers.)
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { iterationAccounting, parseApiInput, WS_EVENTS_PATH, type EpochlabEvent } from '../../src-main/contract';
import { startServer } from '../../src-main/server/server';
import { databasePath } from '../../src-main/services/data-dir';
import { moonsSpec, openServices, tempDataDir } from '../services/harness';
import { rawRequest } from './http-client';

const TOKEN = 'viewers-token-0123456789abcdef';
const FAST = 20;
const SLOW = 4;
const READERS = 4;

let data: ReturnType<typeof tempDataDir>;
let staticDir: string;
beforeEach(async () => {
  data = tempDataDir();
  staticDir = await mkdtemp(path.join(tmpdir(), 'epochlab-viewers-static-'));
  await mkdir(staticDir, { recursive: true });
  await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>Epochlab</title>');
});
afterEach(async () => {
  data.cleanup();
  await rm(staticDir, { recursive: true, force: true });
});

interface Viewer {
  ws: WebSocket;
  events: EpochlabEvent[];
}

function connect(port: number, cookie: string): Promise<Viewer> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${WS_EVENTS_PATH}`, { headers: { Cookie: cookie } });
    const viewer: Viewer = { ws, events: [] };
    ws.on('message', (raw: Buffer) => viewer.events.push(JSON.parse(raw.toString('utf8')) as EpochlabEvent));
    ws.once('open', () => resolve(viewer));
    ws.once('error', reject);
  });
}

/** Each run's events in order: progress steps rising, and the run's final status after its last progress. */
function expectOrdered(events: EpochlabEvent[], runIds: number[], experimentId: number): void {
  for (const runId of runIds) {
    const mine = events.filter((e) => 'runId' in e && e.runId === runId);
    const steps = mine.flatMap((e) => (e.type === 'run-progress' ? [e.step] : []));
    expect(steps, `run ${runId}`).toEqual([...steps].sort((a, b) => a - b));
    expect(new Set(steps).size).toBe(steps.length);
    const last = mine.at(-1);
    expect(last).toMatchObject({ type: 'run-status', status: 'completed' });
  }
  expect(events.filter((e) => e.type === 'experiment-status').at(-1)).toMatchObject({ type: 'experiment-status', experimentId, status: 'finished' });
}

describe('serve mode with many viewers while training', () => {
  it('answers every read, keeps every viewer in order up to the final state, and stores exact rows', async () => {
    const services = await openServices(data.dir, { concurrency: 2, flushIntervalMs: 10 });
    const logs: string[] = [];
    const server = await startServer(services, { staticDir, token: TOKEN, log: (line) => logs.push(line) });
    const cookie = `epochlab_token_${server.port}=${TOKEN}`;
    const api = async (method: string, body: unknown) => {
      const response = await rawRequest(server.port, {
        method: 'POST', path: `/api/${method}`, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', Cookie: cookie },
      });
      return { status: response.status, body: response.body };
    };
    try {
      const fast = await Promise.all(Array.from({ length: FAST }, () => connect(server.port, cookie)));
      const slow = await Promise.all(Array.from({ length: SLOW }, () => connect(server.port, cookie)));
      // A slow viewer: its socket is not read until the end, so what the server sends it piles up.
      for (const viewer of slow) (viewer.ws as unknown as { _socket: { pause(): void } })._socket.pause();

      const spec = moonsSpec({ batchSize: 4, epochs: 5, seed: [1, 2] });
      const created = await api('createExperiment', { spec: parseApiInput('createExperiment', { spec }).spec });
      expect(created.status, created.body).toBe(200);
      const experimentId = (JSON.parse(created.body) as { id: number }).id;

      let training = true;
      const answers: Array<{ method: string; status: number; body: string }> = [];
      const readers = Array.from({ length: READERS }, async (_, i) => {
        const calls: Array<[string, unknown]> = [
          ['getExperiment', { experimentId }],
          ['listExperiments', {}],
          ['getIterationSeries', { runIds: [1, 2], series: 'loss', maxPoints: 300 }],
          ['getEpochMetrics', { runIds: [1, 2] }],
        ];
        for (let n = i; training; n++) {
          const [method, body] = calls[n % calls.length];
          const { status, body: text } = await api(method, body);
          answers.push({ method, status, body: text });
        }
      });
      await services.runner.idle();
      training = false;
      await Promise.all(readers);

      // Reads: many, all answered, none refused for a locked database.
      expect(answers.length).toBeGreaterThan(20);
      expect(answers.filter((a) => a.status !== 200)).toEqual([]);
      expect(answers.filter((a) => /BUSY|locked/i.test(a.body))).toEqual([]);
      expect(logs.filter((l) => /error/i.test(l))).toEqual([]);

      // Live viewers: each run's progress in order, and the true end.
      const settle = (viewers: Viewer[]) =>
        Promise.all(viewers.map((v) => new Promise<void>((resolve) => {
          const check = () => (v.events.some((e) => e.type === 'experiment-status' && e.status === 'finished') ? resolve() : setTimeout(check, 20));
          check();
        })));
      await settle(fast);
      for (const viewer of fast) expectOrdered(viewer.events, [1, 2], experimentId);
      for (const viewer of slow) (viewer.ws as unknown as { _socket: { resume(): void } })._socket.resume();
      await settle(slow);
      for (const viewer of slow) {
        expectOrdered(viewer.events, [1, 2], experimentId);
        expect(viewer.events.filter((e) => e.type === 'run-progress').length).toBeLessThanOrEqual(Math.max(...fast.map((f) => f.events.filter((e) => e.type === 'run-progress').length)));
      }
      for (const viewer of [...fast, ...slow]) viewer.ws.close();
    } finally {
      await server.close();
      await services.close();
    }

    // The training the viewers watched is stored whole.
    const db = new Database(databasePath(data.dir), { readonly: true });
    try {
      for (const runId of [1, 2]) {
        const n = db.prepare('SELECT COUNT(*) FROM iteration_metrics WHERE run_id = ?').pluck().get(runId) as number;
        const accounting = JSON.parse(db.prepare('SELECT accounting FROM runs WHERE id = ?').pluck().get(runId) as string) as ReturnType<typeof iterationAccounting>;
        expect(n).toBe(accounting.totalIterations);
      }
    } finally {
      db.close();
    }
  }, 120_000);
});
