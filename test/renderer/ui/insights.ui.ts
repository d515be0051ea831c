/**
 * Issue 9 in Compare's panel column and on the run page, against the mock API (which runs the engine's own
 * analysis over the mock runs' rows): the analysis panel's B_crit sentence and table, the seed verdict in
 * the best-epoch answer, the mid-epoch switch as URL state, and the run's noise-scale and sharpness cards.
 */
import { describe, expect, it } from 'vitest';
import { analysisSchema, type NoiseScaleEpoch, type SharpnessResult } from '../../../src-main/contract';
import { analyzeExperiment } from '../../../src-main/engine/analysis/experiment';
import { makeExperiment, type MockRun } from './mock-data';
import { browserSuite } from './suite';

/** Two batch sizes × three seeds, 4 epochs, the noise scale and sharpness measured. */
const sweep = makeExperiment(
  20, 'batch sweep', '', [16, 128].flatMap((batchSize) => [1, 2, 3].map((seed) => ({ batchSize, seed, epochs: 4 }))), 2000,
);
sweep.detail.spec = { ...sweep.detail.spec, analysis: analysisSchema.parse({ noiseScale: {}, sharpness: {} }) };
for (const run of sweep.runs) {
  const b = run.summary.params.batchSize;
  const noiseScale: NoiseScaleEpoch[] = run.epochs.map((e) => {
    const bSimple = 60 + 10 * e.epoch + run.summary.params.seed;
    return { epoch: e.epoch, step: e.step, gradSq: 0.5, trace: 0.5 * bSimple, bSimple, measurements: 5 * e.epoch, overhead: 0.06 };
  });
  const sharpness: SharpnessResult[] = (['best', 'last'] as const).map((checkpoint) => ({
    checkpoint, epoch: checkpoint === 'best' ? run.summary.bestEpoch! : 4, loss: 0.2, topEigenvalue: b / 16 + run.summary.params.seed / 10, converged: true,
    epsSharpness: b / 100, epsilon: 1e-3, subset: 1000, powerIterations: 20, ascentSteps: 10, seconds: 1, error: null,
  }));
  (run as MockRun).insights = { noiseScale, sharpness, lrRange: null };
}
const firstRun = sweep.runs[0].summary.id;

const { visit, shot } = browserSuite((server) => server.add(sweep));

describe('analysis in the browser', () => {
  it('Compare: the analysis panel, the seed verdict in the answer, mid-epoch as URL state', async () => {
    const truth = analyzeExperiment(sweep.detail.id, sweep.runs.map((r) => ({ run: r.summary, rows: r.insights! })), 'batchSize');
    const w = await visit(`/experiments/${sweep.detail.id}/compare?group=batchSize`);
    const { page } = w;
    const critical = page.locator('[data-test=critical-batch]');
    await critical.waitFor({ timeout: 20_000 });
    expect(truth.criticalBatch!.bCrit).not.toBeNull();
    expect((await page.locator('[data-test=b-crit]').innerText()).trim()).toContain(truth.criticalBatch!.sentence);
    const rows = await page.locator('[data-test=batch-vs-bcrit] tbody tr').allInnerTexts();
    expect(rows.map((r) => r.split('\t')[0].trim())).toEqual(['16', '128']);
    await page.locator('[data-test=sharpness-vs-batch]').waitFor();
    const verdict = page.locator('[data-test=panel-table] [data-test=seed-verdict]');
    await verdict.waitFor({ timeout: 10_000 });
    expect(await verdict.innerText()).toContain(truth.seedStatistics!.sentence);

    // The mid-epoch switch is part of the URL state (mid=0 when off; on is the default, so absent).
    expect(page.url()).not.toMatch(/[?&]mid=/);
    await page.locator('[data-test=panel-curves] [data-test=mid-epoch]').click();
    await expect.poll(() => page.url(), { timeout: 5000 }).toMatch(/[?&]mid=0/);
    await shot(w, '30-compare-analysis-panel');

    // Unticking the panel removes it (and says so in the address).
    await page.locator('[data-test=panels]').getByText('Batch size and seeds').click();
    const panels = () => new URLSearchParams(page.url().split('?')[1] ?? '').get('panels');
    await expect.poll(panels, { timeout: 5000 }).toBe('curves,table,iterations,gap,heatmap,parallel');
    await expect.poll(() => page.locator('[data-test=panel-analysis]').count()).toBe(0);
  });

  it('Run: the noise scale and sharpness cards and the mid-epoch note', async () => {
    const w = await visit(`/runs/${firstRun}`);
    const { page } = w;
    await page.locator('[data-test=noise-scale]').waitFor({ timeout: 20_000 });
    const last = sweep.runs[0].insights!.noiseScale.at(-1)!;
    expect((await page.locator('[data-test=b-simple]').innerText()).trim()).toBe(String(Number(last.bSimple!.toPrecision(3))));
    expect((await page.locator('[data-test=sharpness] tbody tr').allInnerTexts()).map((r) => r.split('\t')[0].trim())).toEqual(['best', 'last']);
    expect(await page.locator('[data-test=mid-epoch-note]').first().innerText()).toMatch(/Plot train loss at mid-epoch/);
    await shot(w, '31-run-analysis');
  });
});
