// Validation happens once, in the services' API object, whichever front door calls it (docs/architecture.md).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, apiInputSchemas, type ApiMethod } from '../../src-main/contract';
import { invokeApi } from '../../src-main/services/dispatch';
import { moonsSpec, openServices, rawCall, tempDataDir } from './harness';

let data: ReturnType<typeof tempDataDir>;
beforeEach(() => {
  data = tempDataDir();
});
afterEach(() => data.cleanup());

const methods = Object.keys(apiInputSchemas) as ApiMethod[];

describe('the services’ API validates what any caller passes', () => {
  it('refuses an unknown key on every method with field issues, before any service code runs', async () => {
    const services = await openServices(data.dir);
    try {
      for (const method of methods) {
        const error = await rawCall(services, method, { unexpected: 1 }).catch((e: unknown) => e);
        expect(error, method).toBeInstanceOf(ApiError);
        expect((error as ApiError).code, method).toBe('invalid');
        expect((error as ApiError).issues.length, method).toBeGreaterThan(0);
      }
      expect(await services.api.listExperiments({})).toEqual([]);
    } finally {
      await services.close();
    }
  });

  it('applies the schema defaults for a caller that leaves them out (the CLI passes the file as read)', async () => {
    const services = await openServices(data.dir);
    try {
      const raw = { name: 'raw', dataset: { id: 'moons', size: 200 }, model: { template: 'mlp' as const } };
      const preview = await services.api.previewExperiment({ spec: raw });
      expect(preview.trials[0].params).toMatchObject({ batchSize: 32, epochs: 5, optimizer: 'adam' });
    } finally {
      await services.close();
    }
  });

  it('gives the IPC/HTTP dispatcher the same answer as a direct call, without a second parse', async () => {
    const services = await openServices(data.dir);
    try {
      const bad = { spec: moonsSpec({ batchSize: 2.5 }) };
      const direct = await rawCall(services, 'previewExperiment', bad).catch((e: unknown) => (e as ApiError).toBody().error);
      const dispatched = await invokeApi(services.api, 'previewExperiment', bad);
      expect(dispatched).toEqual({ ok: false, error: direct });
      expect(await invokeApi(services.api, 'nope', {})).toMatchObject({ ok: false, error: { code: 'not-found' } });
    } finally {
      await services.close();
    }
  });
});
