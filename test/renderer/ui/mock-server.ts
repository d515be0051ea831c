/**
 * A tiny stand-in for `epochlab serve`, for the renderer's UI tests only: serves out/renderer and answers
 * the contract's HTTP API from memory, with a WebSocket for events. Validation and the preview use the real
 * contract schemas and engine functions, so field messages are the server's own.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  ApiError, applyTagChange, experimentProgress, isApiMethod, parseApiInput, type ApiMethod, type EpochlabEvent, type ExperimentDetail, type RunDetail,
  type RunSummary,
} from '../../../src-renderer/src/contract';
import {
  COMPLETE_STATUSES, MIN_IMPORTANCE_TRIALS, objectiveValue, optimizationHistory, paramImportance, previewExperiment, searchSpaceOf, specIssues,
} from '../../../src-main/engine/search';
import { analyzeExperiment, analyzeRun } from '../../../src-main/engine/analysis/experiment';
import { DATASETS, NO_INSIGHTS, makeExperiment, makeMockRun, mockSeries, totalsOf, type MockRun } from './mock-data';

export interface MockServer {
  url: string;
  /** What getSystemInfo answers with for cliDataDir (serve started with --data-dir, or not). */
  cliDataDir: string | null;
  calls: Array<{ method: ApiMethod; input: unknown }>;
  /** What resumeExperiment answers with for `notes` (a resume point not used, and why). */
  resumeNotes: string[];
  experiments: Map<number, ExperimentDetail>;
  runs: Map<number, MockRun>;
  /** Adds a prepared experiment with its runs. */
  add(built: ReturnType<typeof makeExperiment>): void;
  /** Milliseconds to wait before answering a method (to see what the page shows meanwhile). */
  delays: Partial<Record<ApiMethod, number>>;
  emit(event: EpochlabEvent): void;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

export async function startMockServer(staticDir: string, options: { api: boolean } = { api: true }): Promise<MockServer> {
  const experiments = new Map<number, ExperimentDetail>();
  const runs = new Map<number, MockRun>();
  const calls: MockServer['calls'] = [];
  const delays: MockServer['delays'] = {};
  let nextExperiment = 1;
  let nextRun = 1;

  const add = (built: ReturnType<typeof makeExperiment>) => {
    experiments.set(built.detail.id, built.detail);
    for (const r of built.runs) runs.set(r.summary.id, r);
    nextExperiment = Math.max(nextExperiment, built.detail.id + 1);
    nextRun = Math.max(nextRun, ...built.runs.map((r) => r.summary.id + 1));
  };

  const preview = (spec: Parameters<typeof previewExperiment>[0]) => {
    const issues = specIssues(spec);
    const train = DATASETS.find((d) => d.id === spec.dataset.id);
    if (!train) issues.push({ path: 'dataset.id', message: `there is no dataset "${spec.dataset.id}"` });
    if (issues.length || !train) throw new ApiError('invalid', issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
    return previewExperiment(spec, { train });
  };

  const handlers: { [M in ApiMethod]: (input: never) => unknown } = {
    getSystemInfo: () => ({ version: 'mock', dataDir: '/mock', cliDataDir: mock.cliDataDir, cores: 2, backends: [], defaultConcurrency: 2, isolation: 'thread' }),
    listDatasets: () => DATASETS,
    previewExperiment: ({ spec }: { spec: Parameters<typeof preview>[0] }) => preview(spec),
    createExperiment: ({ spec }: { spec: Parameters<typeof preview>[0] }) => {
      const p = preview(spec);
      const id = nextExperiment++;
      const created: MockRun[] = p.trials.map((t) => {
        const run = makeMockRun(nextRun++, id, t.index, t.params, p.nTrain, 'queued');
        run.summary = { ...run.summary, epochsDone: 0, stepsDone: 0, bestEpoch: null, bestValLoss: null, bestValAccuracy: null, bestTrainLoss: null, finalValLoss: null, finalValAccuracy: null, finalTrainLoss: null, seconds: null };
        run.epochs = [];
        return run;
      });
      for (const r of created) runs.set(r.summary.id, r);
      const detail: ExperimentDetail = {
        id, name: spec.name, notes: spec.notes, tags: [], status: 'running', createdAt: new Date().toISOString(), datasetId: spec.dataset.id,
        template: spec.model.template, trialCount: created.length, counts: { queued: created.length },
        progress: experimentProgress(totalsOf(created.map((r) => r.summary))), bestValLoss: null, bestRunId: null,
        spec, runs: created.map((r) => r.summary), plannedTrials: p.trialCount,
      };
      experiments.set(id, detail);
      const { spec: _s, runs: _r, ...summary } = detail;
      return { ...summary, warnings: p.warnings };
    },
    listExperiments: () => [...experiments.values()].map(({ spec: _s, runs: _r, ...summary }) => summary).reverse(),
    getExperiment: ({ experimentId }: { experimentId: number }) => {
      const e = experiments.get(experimentId);
      if (!e) throw new ApiError('not-found', `there is no experiment ${experimentId}`);
      return { ...e, runs: e.runs.map((r) => runs.get(r.id)?.summary ?? r) };
    },
    cancelExperiment: () => ({ cancelled: 0 }),
    resumeExperiment: () => ({ queued: 0, notes: mock.resumeNotes }),
    deleteExperiment: ({ experimentId }: { experimentId: number }) => ({ deleted: experiments.delete(experimentId) }),
    getRun: ({ runId }: { runId: number }): RunDetail => {
      const r = runs.get(runId);
      if (!r) throw new ApiError('not-found', `there is no run ${runId}`);
      const e = experiments.get(r.summary.experimentId);
      const spec = e?.spec;
      return {
        ...r.summary,
        experimentName: e?.name ?? '',
        config: { params: r.summary.params, model: spec?.model ?? { template: 'mlp', hidden: [32], activation: 'relu', dropout: 0 }, dataset: { id: 'spiral' }, validation: { split: 0.2, seed: 0 }, training: spec?.training ?? ({} as RunDetail['config']['training']) },
        epochs: r.epochs,
        checkpoints: [{ kind: 'best', epoch: r.summary.bestEpoch ?? 1, path: `checkpoints/run-${runId}/best`, bytes: 5000 }],
      };
    },
    getRuns: ({ runIds }: { runIds: number[] }) => {
      const found = [...new Set(runIds)].map((id) => runs.get(id)?.summary).filter((r): r is RunSummary => r !== undefined);
      const owners = [...new Set(found.map((r) => r.experimentId))].map((id) => experiments.get(id)).filter((e): e is ExperimentDetail => e !== undefined);
      return { runs: found, experiments: owners.map(({ runs: _r, ...rest }) => rest), missing: runIds.filter((id) => !runs.has(id)) };
    },
    cancelRun: () => ({ cancelled: false }),
    getEpochMetrics: ({ runIds }: { runIds: number[] }) => Object.fromEntries(runIds.map((id) => [id, runs.get(id)?.epochs ?? []])),
    getIterationSeries: ({ runIds, maxPoints }: { runIds: number[]; maxPoints: number }) =>
      Object.fromEntries(runIds.map((id) => { const r = runs.get(id); return [id, r ? mockSeries(r, maxPoints) : []]; })),
    exportExperiment: ({ experimentId, format }: { experimentId: number; format: 'csv' | 'json' }) => ({ filename: `experiment-${experimentId}.${format}`, mime: 'text/plain', content: 'mock' }),
    // Uploads are tested against the real server (test/server/upload.test.ts, test/e2e).
    importUpload: () => {
      throw new ApiError('conflict', 'the mock server keeps no uploads');
    },
    discardUpload: () => ({ discarded: false }),
    extendExperiment: ({ experimentId, trials, add }: { experimentId: number; trials?: number; add?: Record<string, unknown> }) => {
      const e = experiments.get(experimentId);
      if (!e) throw new ApiError('not-found', `there is no experiment ${experimentId}`);
      if (e.spec.search.method === 'grid' && !add) throw new ApiError('invalid', 'trials: a grid grows by new values', [{ path: 'trials', message: 'a grid grows by new values (add), not by a trial count' }]);
      const added = trials ?? Object.values(add ?? {}).reduce<number>((n, v) => n + (Array.isArray(v) ? v.length : 1), 0);
      e.plannedTrials += added;
      return { added, plannedTrials: e.plannedTrials };
    },
    // History and importance use the engine's own functions on the mock runs' validation losses.
    getOptimizationHistory: ({ experimentId }: { experimentId: number }) => {
      const objective = { monitor: 'val_loss' as const, direction: 'minimize' as const };
      return { objective, ...optimizationHistory(studyRuns(experimentId), objective) };
    },
    getParamImportance: ({ experimentId }: { experimentId: number }) => {
      const e = experiments.get(experimentId)!;
      const objective = { monitor: 'val_loss' as const, direction: 'minimize' as const };
      const trials = studyRuns(experimentId).flatMap((r) => {
        const value = COMPLETE_STATUSES.has(r.status) ? objectiveValue(r.values, 'minimize') : null;
        return value === null ? [] : [{ params: r.params as unknown as Record<string, number | string>, value }];
      });
      const base = { objective, method: 'fanova' as const, trials: trials.length, minimumTrials: MIN_IMPORTANCE_TRIALS };
      if (trials.length < MIN_IMPORTANCE_TRIALS) return { ...base, importances: [], unavailable: `importance needs at least ${MIN_IMPORTANCE_TRIALS} completed trials with a val_loss; this experiment has ${trials.length}` };
      return { ...base, importances: paramImportance({ dims: searchSpaceOf(e.spec).dims, trials }).importances, unavailable: null };
    },
    tagRun: ({ runId, add, remove }: { runId: number; add: string[]; remove: string[] }) => {
      const r = runs.get(runId);
      if (!r) throw new ApiError('not-found', `there is no run ${runId}`);
      r.summary = { ...r.summary, tags: applyTagChange(r.summary.tags, add, remove) };
      return { tags: r.summary.tags };
    },
    tagExperiment: ({ experimentId, add, remove }: { experimentId: number; add: string[]; remove: string[] }) => {
      const e = experiments.get(experimentId);
      if (!e) throw new ApiError('not-found', `there is no experiment ${experimentId}`);
      e.tags = applyTagChange(e.tags, add, remove);
      return { tags: e.tags };
    },
    setRunNotes: ({ runId, notes }: { runId: number; notes: string }) => {
      const r = runs.get(runId);
      if (!r) throw new ApiError('not-found', `there is no run ${runId}`);
      r.summary = { ...r.summary, notes };
      return { notes };
    },
    setExperimentNotes: ({ experimentId, notes }: { experimentId: number; notes: string }) => {
      const e = experiments.get(experimentId);
      if (!e) throw new ApiError('not-found', `there is no experiment ${experimentId}`);
      e.notes = notes;
      return { notes };
    },
    // The real engine's analysis over the mock runs and whatever analysis rows a test gave them.
    getRunAnalysis: ({ runId }: { runId: number }) => {
      const r = runs.get(runId);
      if (!r) throw new ApiError('not-found', `there is no run ${runId}`);
      return analyzeRun(runId, experiments.get(r.summary.experimentId)?.spec.analysis, r.insights ?? NO_INSIGHTS);
    },
    getExperimentAnalysis: ({ experimentId, runIds, groupBy }: { experimentId: number; runIds?: number[]; groupBy: 'config' }) => {
      const e = experiments.get(experimentId);
      if (!e) throw new ApiError('not-found', `there is no experiment ${experimentId}`);
      const chosen = e.runs.filter((r) => !runIds || runIds.includes(r.id)).map((r) => runs.get(r.id)!);
      return analyzeExperiment(experimentId, chosen.map((r) => ({ run: r.summary, rows: r.insights ?? NO_INSIGHTS })), groupBy);
    },
  };

  function studyRuns(experimentId: number) {
    const e = experiments.get(experimentId);
    if (!e) throw new ApiError('not-found', `there is no experiment ${experimentId}`);
    return e.runs.map((r) => {
      const run = runs.get(r.id);
      const summary = run?.summary ?? r;
      return { ...summary, values: new Map((run?.epochs ?? []).map((m) => [m.epoch, m.valLoss])) };
    });
  }

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const api = async (req: IncomingMessage, res: ServerResponse, method: string) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    try {
      if (!isApiMethod(method)) throw new ApiError('not-found', `no API method ${method}`);
      const input = parseApiInput(method, JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      calls.push({ method, input });
      if (delays[method]) await new Promise((r) => setTimeout(r, delays[method]));
      send(res, 200, await (handlers[method] as (i: unknown) => unknown)(input));
    } catch (error) {
      const e = error instanceof ApiError ? error : new ApiError('failed', String(error));
      send(res, e.code === 'invalid' ? 400 : e.code === 'not-found' ? 404 : 500, e.toBody());
    }
  };

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path.startsWith('/api/')) {
      if (!options.api || req.method !== 'POST') {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('not found');
        return;
      }
      void api(req, res, path.slice('/api/'.length));
      return;
    }
    const file = normalize(join(staticDir, path === '/' ? 'index.html' : path));
    if (!file.startsWith(staticDir)) {
      res.writeHead(400);
      res.end();
      return;
    }
    readFile(file).then(
      (body) => {
        res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
        res.end(body);
      },
      () => {
        res.writeHead(404);
        res.end('not found');
      },
    );
  });

  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (!options.api || req.url !== '/api/events') {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const mock: MockServer = {
    cliDataDir: null,
    resumeNotes: [],
    url: `http://127.0.0.1:${port}/`,
    calls,
    delays,
    experiments,
    runs,
    emit(event) {
      for (const ws of sockets) ws.send(JSON.stringify(event));
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    add,
  };
  return mock;
}
