/**
 * An in-memory EpochlabServices for the front-door tests (server and app): a couple of experiments, calls
 * recorded so a test can prove a refused request reached no service, and events emitted on demand.
 */
import { EventEmitter } from 'node:events';
import {
  ApiError, experimentProgress,
  type ApiMethod, type DatasetImportSource, type DatasetInfo, type EpochlabApi, type EpochlabEvent,
  type EpochlabServices, type ExperimentSummary, type SystemInfo,
} from '../../src-main/contract';
import { validatedApi } from '../../src-main/services/api';

export interface FakeServices extends EpochlabServices {
  calls: Array<{ method: ApiMethod | 'importDataset' | 'receiveUpload' | 'close'; input: unknown }>;
  emit(event: EpochlabEvent): void;
  listenerCount(): number;
  closed: boolean;
}

export const FAKE_SYSTEM_INFO: SystemInfo = {
  version: '0.1.0-test',
  dataDir: '/tmp/epochlab-fake',
  cliDataDir: '/tmp/epochlab-fake',
  cores: 2,
  backends: [{ name: 'cpu', available: true, version: '4.22.0', device: 'cpu' }],
  defaultConcurrency: 1,
  isolation: 'thread',
};

export function fakeDataset(name: string): DatasetInfo {
  return {
    id: `imported:${name}`, name, source: 'imported', kind: 'tabular', inputShape: [4], numClasses: 3,
    classNames: ['a', 'b', 'c'], rows: 150, classCounts: [50, 50, 50], description: '', fingerprint: 'f00d',
  };
}

function experiment(id: number, name: string): ExperimentSummary {
  return {
    id, name, notes: '', tags: [], status: 'finished', createdAt: '2025-01-01T00:00:00.000Z', datasetId: 'builtin:iris',
    template: 'mlp', trialCount: 2, counts: { completed: 2 }, progress: experimentProgress({ completed: { runs: 2, planned: 20, done: 20 } }), bestValLoss: 0.25, bestRunId: id * 10,
  };
}

function unsupported(method: string): never {
  throw new ApiError('failed', `${method} is not supported by the fake`);
}

export function createFakeServices(): FakeServices {
  const emitter = new EventEmitter();
  const experiments = new Map<number, ExperimentSummary>([[1, experiment(1, 'lr sweep')], [2, experiment(2, 'batch sweep')]]);
  const calls: FakeServices['calls'] = [];
  const record = (method: ApiMethod, input: unknown): void => {
    calls.push({ method, input });
  };

  // Validated by the same front door as the real services, so the server is tested with what it really calls.
  const api: EpochlabApi = validatedApi({
    async getSystemInfo(input) { record('getSystemInfo', input); return FAKE_SYSTEM_INFO; },
    async listDatasets(input) { record('listDatasets', input); return [fakeDataset('iris')]; },
    async previewExperiment(input) { record('previewExperiment', input); return unsupported('previewExperiment'); },
    async createExperiment(input) { record('createExperiment', input); return unsupported('createExperiment'); },
    async listExperiments(input) { record('listExperiments', input); return [...experiments.values()]; },
    async getExperiment(input) {
      record('getExperiment', input);
      if (!experiments.has(input.experimentId)) throw new ApiError('not-found', `experiment ${input.experimentId} not found`);
      return unsupported('getExperiment');
    },
    async cancelExperiment(input) { record('cancelExperiment', input); return { cancelled: 0 }; },
    async resumeExperiment(input) { record('resumeExperiment', input); return { queued: 0, notes: [] }; },
    async deleteExperiment(input) {
      record('deleteExperiment', input);
      return { deleted: experiments.delete(input.experimentId) };
    },
    async getRun(input) {
      record('getRun', input);
      // An unexpected failure whose details must not reach a client.
      throw new Error(`database exploded at /home/secret/epochlab.db (run ${input.runId})`);
    },
    async getRuns(input) { record('getRuns', input); return { runs: [], experiments: [], missing: input.runIds }; },
    async cancelRun(input) { record('cancelRun', input); return { cancelled: false }; },
    async getEpochMetrics(input) { record('getEpochMetrics', input); return {}; },
    async getIterationSeries(input) { record('getIterationSeries', input); return {}; },
    async exportExperiment(input) { record('exportExperiment', input); return { filename: 'x.csv', mime: 'text/csv', content: 'a,b\n' }; },
    async importUpload(input) { record('importUpload', input); return { dataset: fakeDataset(input.name), skipped: { total: 0, byReason: {}, examples: [] } }; },
    async discardUpload(input) { record('discardUpload', input); return { discarded: false }; },
    async extendExperiment(input) { record('extendExperiment', input); return { added: input.trials ?? 0, plannedTrials: 10 }; },
    async getOptimizationHistory(input) { record('getOptimizationHistory', input); return unsupported('getOptimizationHistory'); },
    async getParamImportance(input) { record('getParamImportance', input); return unsupported('getParamImportance'); },
    async tagRun(input) { record('tagRun', input); return { tags: input.add }; },
    async tagExperiment(input) { record('tagExperiment', input); return { tags: input.add }; },
    async setRunNotes(input) { record('setRunNotes', input); return { notes: input.notes }; },
    async setExperimentNotes(input) { record('setExperimentNotes', input); return { notes: input.notes }; },
    async getRunAnalysis(input) { record('getRunAnalysis', input); return unsupported('getRunAnalysis'); },
    async getExperimentAnalysis(input) { record('getExperimentAnalysis', input); return unsupported('getExperimentAnalysis'); },
  });

  const services: FakeServices = {
    api,
    calls,
    closed: false,
    subscribe(listener) {
      emitter.on('event', listener);
      return () => emitter.off('event', listener);
    },
    async importDataset(source: DatasetImportSource) {
      calls.push({ method: 'importDataset', input: source });
      return { dataset: fakeDataset(source.name), skipped: { total: 0, byReason: {}, examples: [] } };
    },
    async receiveUpload(query) {
      calls.push({ method: 'receiveUpload', input: query });
      throw new ApiError('conflict', 'the fake keeps no uploads');
    },
    async close() {
      calls.push({ method: 'close', input: undefined });
      services.closed = true;
    },
    emit(event) {
      emitter.emit('event', event);
    },
    listenerCount() {
      return emitter.listenerCount('event');
    },
  };
  return services;
}
