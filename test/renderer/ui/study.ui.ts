// Studies in the browser: the form's TPE and pruning options, a pruned run, the optimisation history,
// growing a study, and importance bars, against the mock API (which uses the engine's own functions).
import { describe, expect, it } from 'vitest';
import { makeExperiment, makeStudyExperiment } from './mock-data';
import { browserSuite } from './suite';

const suite = browserSuite((server) => {
  server.add(makeStudyExperiment(7, 700));
  server.add(makeExperiment(8, 'small grid', '', [{ learningRate: 0.01 }, { learningRate: 0.1 }], 800));
});
const { visit, shot } = suite;

describe('studies in the UI', () => {
  it('offers TPE and pruning with their options, previews a proposed study and sends them in the spec', async () => {
    const w = await visit('/new');
    await w.page.locator('[data-test=trial-count]').waitFor();
    await w.page.locator('[data-test=param-learningRate] input').fill('1e-4 .. 1e-1 log');
    await w.page.locator('[data-test=search-method]').getByText('TPE (model-based)').click();
    await w.page.getByText(/Tree-structured Parzen estimator/).waitFor();
    await w.page.locator('[data-test=startup-trials]').waitFor();
    await w.page.locator('[data-test=pruning-method]').getByText('Median rule').click();
    await w.page.getByText(/worse than the median of the completed trials/).waitFor();
    await w.page.locator('[data-test=warmup-epochs]').waitFor();
    // The default form has 3 batch sizes × 1 seed; TPE plans 20 trials, proposed while training.
    await w.page.locator('[data-test=proposed-note]').waitFor();
    await expect.poll(async () => (await w.page.locator('[data-test=trial-count]').textContent())?.trim()).toBe('20');
    await shot(w, 'new-tpe');
    await w.page.locator('[data-test=run]:not([disabled])').click();
    await w.page.waitForURL(/#\/experiments\/\d+$/);
    const created = suite.server.calls.filter((c) => c.method === 'createExperiment').at(-1)!.input as { spec: { search: unknown; pruning: unknown } };
    expect(created.spec.search).toEqual({ method: 'tpe', trials: 20, seed: 0, startupTrials: 10, candidates: 24, multivariate: true });
    expect(created.spec.pruning).toEqual({ method: 'median', startupTrials: 5, warmupEpochs: 0, intervalEpochs: 1 });
  }, 120_000);

  it('shows pruned runs apart, the optimisation history, and grows the study', async () => {
    const w = await visit('/experiments/7');
    await w.page.locator('[data-test=run-table]').waitFor();
    await expect.poll(() => w.page.locator('[data-status=pruned]').count()).toBe(3);
    const history = w.page.locator('[data-test=optimization-history]');
    await history.locator('canvas').waitFor();
    await history.getByText(/best val_loss so far/).waitFor();
    await history.getByText(/Best so far: trial \d+/).waitFor();
    await shot(w, 'experiment-study');

    await w.page.locator('[data-test=extend]').click();
    await w.page.locator('[data-test=extend-trials] input').fill('5');
    await w.page.locator('[data-test=extend-submit]').click();
    await w.page.getByText('Added 5 trials; 17 planned in all.').waitFor();
    expect(suite.server.calls.filter((c) => c.method === 'extendExperiment').at(-1)?.input).toEqual({ experimentId: 7, trials: 5 });

    // The run page says the study pruned it, and why; it does not call it a failure.
    const run = await visit('/runs/703');
    const outcome = run.page.locator('[data-test=run-outcome]');
    await outcome.getByText(/Pruned by the study after epoch 2 of \d+: it looked hopeless/).waitFor();
    await outcome.locator('[data-test=end-reason]').getByText(/pruned at epoch 2 \(median rule\)/).waitFor();
    expect(await run.page.locator('[data-test=run-error]').count()).toBe(0);
    expect(await run.page.getByText('The run failed').count()).toBe(0);
  }, 120_000);

  it('grows a grid by values, explaining a bad value at the field before asking the server', async () => {
    const w = await visit('/experiments/8');
    await w.page.locator('[data-test=extend]').click();
    const dialog = w.page.locator('[data-test=extend-dialog]');
    await dialog.getByText('Add values to the grid').waitFor();
    await w.page.locator('[data-test=extend-values] input').fill('0.3, abc');
    await w.page.locator('[data-test=extend-submit]').click();
    await dialog.getByText('"abc" is not a number').waitFor();
    const before = suite.server.calls.filter((c) => c.method === 'extendExperiment').length;
    await w.page.locator('[data-test=extend-values] input').fill('0.3, 0.5');
    await shot(w, 'extend-grid');
    await w.page.locator('[data-test=extend-submit]').click();
    await w.page.getByText('Added 2 trials; 4 planned in all.').waitFor();
    const calls = suite.server.calls.filter((c) => c.method === 'extendExperiment');
    expect(calls).toHaveLength(before + 1);
    expect(calls.at(-1)?.input).toEqual({ experimentId: 8, add: { learningRate: [0.3, 0.5] } });
  }, 120_000);

  it('draws importance bars in Compare once 8 trials have completed, and says why not before', async () => {
    const w = await visit('/experiments/7/compare');
    const card = w.page.locator('[data-test=param-importance]');
    await card.locator('canvas').waitFor({ timeout: 20_000 });
    await card.getByText(/over 9 completed trials/).waitFor();
    await card.scrollIntoViewIfNeeded();
    await shot(w, 'compare-study');
    const small = await visit('/experiments/8/compare');
    await small.page.locator('[data-test=param-importance]').getByText(/at least 8 completed trials/).waitFor({ timeout: 20_000 });
  }, 120_000);
});
