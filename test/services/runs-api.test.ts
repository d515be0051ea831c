// getRuns: run summaries by id from any experiments, through the real SQLite store.
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/store';
import { runsApi } from '../../src-main/services/runs-api';
import { parseApiInput } from '../../src-main/contract';
import type { ExperimentRunner } from '../../src-main/services/runner';
import { epochRow, makeRuns, makeSpec } from '../store/helpers';

describe('getRuns', () => {
  const store = openStore(':memory:');
  const first = store.createExperiment(makeSpec('<b>first</b>'), makeRuns(makeSpec(), [32, 100]));
  const second = store.createExperiment(makeSpec('second'), makeRuns(makeSpec(), [16]));
  store.appendEpoch(second.runIds[0], epochRow(1), 1);
  const api = runsApi({ store, runner: {} as ExperimentRunner });

  it('returns runs of several experiments in the order asked, each experiment once, and the ids that name no run', async () => {
    const asked = [second.runIds[0], first.runIds[1], 999, first.runIds[0], first.runIds[1]];
    const got = await api.getRuns({ runIds: asked });
    expect(got.runs.map((r) => r.id)).toEqual([second.runIds[0], first.runIds[1], first.runIds[0]]);
    expect(got.runs[0]).toMatchObject({ experimentId: second.experimentId, bestEpoch: 1, epochsDone: 1 });
    expect(got.experiments.map((e) => [e.id, e.name])).toEqual([[second.experimentId, 'second'], [first.experimentId, '<b>first</b>']]);
    expect(got.experiments[1].spec.params.batchSize).toEqual([32, 100]);
    expect(got.missing).toEqual([999]);
  });

  it('takes 1 to 1000 positive whole ids (the contract validates it at every front door)', () => {
    expect(() => parseApiInput('getRuns', { runIds: [] })).toThrow(/runIds/);
    expect(() => parseApiInput('getRuns', { runIds: [1.5] })).toThrow(/runIds/);
    expect(() => parseApiInput('getRuns', { runIds: Array.from({ length: 1001 }, (_, i) => i + 1) })).toThrow(/runIds/);
    expect(() => parseApiInput('getRuns', { runIds: [1], extra: true })).toThrow(/unknown key/);
    expect(parseApiInput('getRuns', { runIds: [3, 4] })).toEqual({ runIds: [3, 4] });
  });
});
