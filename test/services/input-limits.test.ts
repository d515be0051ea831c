// Nothing an API caller sends may stall the process (docs/reliability.md B2, B3): a 10^6-trial spec is refused
// from the fields' sizes without expanding a single trial, hostile payloads get a structured "invalid" answer
// with no side effect, and in serve mode other requests are answered beside such a request.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { API_METHODS_FOR_TESTS, fuzzPayloads } from './fuzz-payloads';
import { invokeApi } from '../../src-main/services/dispatch';
import { startServer } from '../../src-main/server/server';
import { ApiError } from '../../src-main/contract';
import { moonsSpec, openServices, rawCall, tempDataDir } from './harness';
import { rawRequest } from '../server/http-client';

const expansions = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src-main/engine/search/expand', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src-main/engine/search/expand')>();
  return {
    ...original,
    expandTrials: (...args: Parameters<typeof original.expandTrials>) => {
      expansions.count++;
      return original.expandTrials(...args);
    },
  };
});

const MILLION = { learningRate: { from: 1e-5, to: 1, steps: 100, scale: 'log' as const }, batchSize: { from: 1, to: 1000, steps: 100 }, epochs: { from: 1, to: 100, steps: 100 } };

let data: ReturnType<typeof tempDataDir>;
beforeEach(() => {
  data = tempDataDir();
  expansions.count = 0;
});
afterEach(() => data.cleanup());

describe('a search space over the limit', () => {
  it('is refused at the field from its size: no trial is expanded, nothing is stored', async () => {
    const services = await openServices(data.dir);
    try {
      for (const method of ['previewExperiment', 'createExperiment']) {
        const error = await rawCall(services, method, { spec: moonsSpec(MILLION) }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ApiError);
        expect((error as ApiError).issues).toEqual([{ path: 'spec.params', message: 'this grid has 1,000,000 trials; the limit is 5000 — use fewer values or random search' }]);
      }
      const random = await rawCall(services, 'previewExperiment', { spec: moonsSpec({ seed: [1, 2, 3] }, { search: { method: 'random', trials: 5000 } }) }).catch((e: unknown) => e);
      expect((random as ApiError).issues[0].path).toBe('spec.search.trials');
      expect(expansions.count).toBe(0);
      expect(await services.api.listExperiments({})).toEqual([]);
      // The counter does count: a valid spec is expanded once.
      await rawCall(services, 'previewExperiment', { spec: moonsSpec({ batchSize: [16, 32] }) });
      expect(expansions.count).toBe(1);
    } finally {
      await services.close();
    }
  });
});

describe('fuzzed payloads on every API method', () => {
  it('get a structured "invalid" answer, pollute no prototype and change nothing', async () => {
    const services = await openServices(data.dir);
    try {
      const unexpected: string[] = [];
      const payloads = fuzzPayloads(moonsSpec({}));
      for (const method of API_METHODS_FOR_TESTS) {
        for (const [label, payload] of payloads) {
          const result = await invokeApi(services.api, method, payload, (m, e) => unexpected.push(`${m} ${label}: ${String(e)}`));
          if (result.ok) continue; // e.g. extra-free inputs some methods take ({} for listExperiments)
          expect(['invalid', 'not-found'], `${method} ${label}: ${result.error.message}`).toContain(result.error.code);
          expect(result.error.message.length, `${method} ${label}`).toBeLessThan(2000);
        }
      }
      expect(unexpected).toEqual([]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
      expect(await services.api.listExperiments({})).toEqual([]);
      expect(expansions.count).toBe(0);
    } finally {
      await services.close();
    }
  });
});

describe('serve mode', () => {
  it('answers other requests beside a 10^6-trial spec and hostile bodies', async () => {
    const services = await openServices(data.dir);
    const dir = await mkdtemp(path.join(tmpdir(), 'epochlab-limits-'));
    await mkdir(path.join(dir, 'renderer'));
    await writeFile(path.join(dir, 'renderer', 'index.html'), '<!doctype html><title>Epochlab</title>');
    const token = 'limits-token-0123456789abcdef';
    const server = await startServer(services, { staticDir: path.join(dir, 'renderer'), token, log: () => undefined });
    const call = (method: string, body: string) =>
      rawRequest(server.port, { method: 'POST', path: `/api/${method}`, body, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` } });
    try {
      const hostile = [
        JSON.stringify({ spec: moonsSpec(MILLION) }),
        `{"spec":${'['.repeat(400_000)}${']'.repeat(400_000)}}`,
        JSON.stringify({ spec: { ...moonsSpec({}), params: Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`k${i}`, 1])) } }),
        JSON.stringify({ spec: { ...moonsSpec({}), params: { learningRate: Array(200_000).fill(0.1) } } }),
      ];
      const answers = await Promise.all([
        ...hostile.map((body) => call('previewExperiment', body)),
        call('listExperiments', '{}'),
        ...hostile.map((body) => call('createExperiment', body)),
        call('getSystemInfo', '{}'),
      ]);
      const statuses = answers.map((a) => a.status);
      expect(statuses).toEqual([400, 400, 400, 400, 200, 400, 400, 400, 400, 200]);
      expect(JSON.parse(answers[0].body)).toMatchObject({ error: { code: 'invalid', issues: [{ path: 'spec.params' }] } });
      expect(JSON.parse(answers[1].body).error.message).toMatch(/nested more than 32 levels/);
      expect(JSON.parse(answers[2].body).error.message).toBe('the request body holds more than 20000 values');
      expect(JSON.parse(answers[3].body).error.message).toBe('the request body holds more than 20000 values');
      expect(JSON.parse(answers[4].body)).toEqual([]);
      // And after them, too.
      expect((await call('listExperiments', '{}')).status).toBe(200);
      expect(expansions.count).toBe(0);
    } finally {
      await server.close();
      await services.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
