import { describe, expect, it } from 'vitest';
import {
  experimentSpecSchema, parseQueueAddress, remoteJobSchema, remoteReportSchema, remoteResultSchema, MAX_ROWS_PER_REPORT,
} from '../../src-main/contract';

describe('queue address', () => {
  it('reads host, port, database, credentials and TLS, and never shows the password', () => {
    expect(parseQueueAddress('rediss://ann:p%40ss@gpu-box:6380/3')).toEqual({
      tls: true, host: 'gpu-box', port: 6380, db: 3, username: 'ann', password: 'p@ss', shown: 'rediss://ann:***@gpu-box:6380/3',
    });
    expect(parseQueueAddress('redis://127.0.0.1')).toMatchObject({ tls: false, port: 6379, db: 0, password: undefined, shown: 'redis://127.0.0.1/0' });
    expect(parseQueueAddress('redis://:secret@[::1]:7000')).toMatchObject({ host: '::1', port: 7000, password: 'secret', shown: 'redis://:***@[::1]:7000/0' });
  });

  it.each([
    ['http://h', /must start with redis:\/\/ or rediss:\/\//],
    ['redis://h:70000', /queue URL must look like/],
    ['redis://h/16', /database must be a number from 0 to 15/],
    ['redis://h/x', /database must be a number/],
    ['redis://h/0?tls=1', /no \?query/],
    ['', /queue URL must look like/],
  ])('refuses %j naming the field', (text, message) => {
    expect(() => parseQueueAddress(text)).toThrow(message);
  });

  it('never echoes a password in a refusal', () => {
    expect(() => parseQueueAddress('redis://u:topsecret@h:99999')).toThrow(/redis:\/\/u:\*\*\*@h:99999/);
    expect(() => parseQueueAddress('redis://u:topsecret@h:99999')).not.toThrow(/topsecret/);
  });
});

describe('what crosses Redis', () => {
  const started = { type: 'started', runId: 3, backend: { name: 'cpu', version: '4', device: 'x' }, datasetFingerprint: 'f', nTrain: 10, nVal: 2 };
  const row = { step: 1, epoch: 1, batch: 0, batchSize: 8, loss: 0.5, accuracy: null, learningRate: 0.1, elapsedMs: 3 };

  it('accepts what a worker sends', () => {
    expect(remoteReportSchema.safeParse({ attempt: 'w:1', message: started }).success).toBe(true);
    expect(remoteReportSchema.safeParse({ attempt: 'w:1', message: { type: 'iterations', runId: 3, rows: [row] } }).success).toBe(true);
    expect(remoteResultSchema.safeParse({ attempt: 'w:1', end: { status: 'diverged', reason: 'loss', bestEpoch: null, divergedAtStep: 4 } }).success).toBe(true);
  });

  // Analysis measurements (issue 9) cross like every other report: a run measured on a worker keeps them.
  const noise = { epoch: 1, step: 10, gradSq: 0.2, trace: 3.1, bSimple: 15.5, measurements: 4, overhead: null };
  const sharp = {
    checkpoint: 'best', epoch: 2, loss: 0.3, topEigenvalue: 4.2, converged: true, epsSharpness: 1.5, epsilon: 1e-3, subset: 100,
    powerIterations: 20, ascentSteps: 10, seconds: 0.5, error: null,
  };
  const range = {
    from: 1e-7, to: 10, iterations: 100, points: [{ step: 1, learningRate: 1e-7, loss: 0.7, smoothed: 0.7 }], steepest: 0.01, minimum: 0.1,
    minimumOver10: 0.01, stopReason: 'the smoothed loss passed 4 × its minimum',
  };
  it('accepts analysis measurements', () => {
    for (const insight of [{ kind: 'noise-scale', row: noise }, { kind: 'sharpness', rows: [sharp] }, { kind: 'lr-range', result: range }]) {
      expect(remoteReportSchema.safeParse({ attempt: 'w', message: { type: 'insight', runId: 3, insight } }).success, insight.kind).toBe(true);
    }
  });

  it.each([
    ['an unknown kind', { kind: 'weights', row: noise }],
    ['a non-finite B_simple', { kind: 'noise-scale', row: { ...noise, bSimple: Infinity } }],
    ['an extra field', { kind: 'noise-scale', row: { ...noise, sql: 'x' } }],
    ['a made-up checkpoint', { kind: 'sharpness', rows: [{ ...sharp, checkpoint: 'middle' }] }],
    ['more sharpness rows than checkpoints', { kind: 'sharpness', rows: [sharp, sharp, sharp] }],
    ['too many LR range points', { kind: 'lr-range', result: { ...range, points: Array(MAX_ROWS_PER_REPORT + 1).fill(range.points[0]) } }],
  ])('refuses an analysis report with %s', (_what, insight) => {
    expect(remoteReportSchema.safeParse({ attempt: 'w', message: { type: 'insight', runId: 3, insight } }).success).toBe(false);
  });

  it.each([
    ['an unknown type', { type: 'checkpoint', runId: 3, checkpoint: { path: '../../etc/passwd' } }],
    ['a non-finite loss', { type: 'iterations', runId: 3, rows: [{ ...row, loss: Infinity }] }],
    ['a string where a number goes', { type: 'iterations', runId: 3, rows: [{ ...row, step: '1' }] }],
    ['an extra field', { type: 'iterations', runId: 3, rows: [{ ...row, sql: 'DROP TABLE runs' }] }],
    ['too many rows', { type: 'iterations', runId: 3, rows: Array(MAX_ROWS_PER_REPORT + 1).fill(row) }],
    ['a step 0', { type: 'iterations', runId: 3, rows: [{ ...row, step: 0 }] }],
  ])('refuses %s', (_what, message) => {
    expect(remoteReportSchema.safeParse({ attempt: 'w', message }).success).toBe(false);
  });

  it('refuses a result with a made-up status, and cuts long reasons', () => {
    expect(remoteResultSchema.safeParse({ attempt: 'w', end: { status: 'running', reason: null, bestEpoch: null } }).success).toBe(false);
    const parsed = remoteResultSchema.parse({ attempt: 'w', end: { status: 'failed', reason: 'x'.repeat(50_000), bestEpoch: null } });
    expect(parsed.end.reason).toHaveLength(2000);
  });

  it('carries a trial\'s analysis settings to the worker', () => {
    const spec = experimentSpecSchema.parse({
      name: 'x', dataset: { id: 'moons', size: 100, noise: 0.2, seed: 1 }, validation: { split: 0.2, seed: 0 }, model: { template: 'mlp', hidden: [8] },
      params: { batchSize: 8 }, analysis: { noiseScale: {}, sharpness: {} },
    });
    const params = { learningRate: 0.01, batchSize: 8, epochs: 2, optimizer: 'adam', schedule: 'constant', weightDecay: 0, seed: 0 };
    const config = { params, model: spec.model, dataset: spec.dataset, validation: spec.validation, training: spec.training, analysis: spec.analysis };
    const parsed = remoteJobSchema.safeParse({ coordinator: 'abcdef0123456789', runId: 1, config, flushIntervalMs: 250 });
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(parsed.data?.config.analysis).toEqual(spec.analysis);
  });

  it('refuses a job that is not a trial', () => {
    expect(remoteJobSchema.safeParse({ coordinator: 'abcdef0123456789', runId: 1, config: {}, flushIntervalMs: 250 }).success).toBe(false);
  });
});
