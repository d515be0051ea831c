import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { SPEC_DEFAULTS, experimentProgress, iterationAccounting, splitSizes } from '../../../src-renderer/src/contract';
import { bestEpochTable } from '../../../src-renderer/src/charts/best-epoch';
import { makeRunSet } from '../../../src-renderer/src/charts/run-set';
import { launch, openPage, RENDERER_DIR, type PageGlobals, type WatchedPage } from './browser';
import { DATASETS, TEMPLATE_NOTES, XSS_NAME, makeExperiment, totalsOf } from './mock-data';
import { startMockServer, type MockServer } from './mock-server';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('without an Epochlab server behind the page', () => {
  it('says it cannot reach the server, offers a retry, and does not crash', async () => {
    const server = await startMockServer(RENDERER_DIR, { api: false });
    try {
      const w = await openPage(browser, server.url);
      await w.page.getByText('Cannot reach the Epochlab server', { exact: true }).waitFor({ timeout: 10_000 });
      expect(await w.page.getByRole('button', { name: 'Retry' }).isVisible()).toBe(true);
      expect(w.errors).toEqual([]);
      expect(await w.violations()).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('with the (mock) Epochlab API', () => {
  let server: MockServer;
  const pages: WatchedPage[] = [];
  const grid = [16, 64, 256].flatMap((batchSize) => [0.01, 0.1].map((learningRate) => ({ batchSize, learningRate })));

  beforeAll(async () => {
    server = await startMockServer(RENDERER_DIR);
    server.add(makeExperiment(1, XSS_NAME, TEMPLATE_NOTES, grid, 1));
  });
  afterAll(async () => {
    // Every page visited: no uncaught error, no CSP violation (inline script, eval, foreign connection).
    for (const w of pages) {
      expect(w.errors).toEqual([]);
      expect(await w.violations()).toEqual([]);
    }
    await server?.close();
  });

  async function visit(hash: string): Promise<WatchedPage> {
    const w = await openPage(browser, `${server.url}#${hash}`);
    pages.push(w);
    return w;
  }

  async function injected(w: WatchedPage): Promise<{ imgs: number; flag: unknown }> {
    return w.page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      return { imgs: g.document.querySelectorAll('img[src="x"]').length, flag: g.__xss };
    });
  }

  it('renders names, notes and dataset names as text in every view', async () => {
    const list = await visit('/');
    await list.page.getByText(XSS_NAME, { exact: true }).waitFor();
    expect(await injected(list)).toEqual({ imgs: 0, flag: undefined });

    const exp = await visit('/experiments/1');
    await exp.page.locator('[data-test=experiment-name]').waitFor();
    expect(await exp.page.locator('[data-test=experiment-name]').textContent()).toBe(XSS_NAME);
    await exp.page.getByText(TEMPLATE_NOTES, { exact: true }).waitFor();
    expect(await injected(exp)).toEqual({ imgs: 0, flag: undefined });

    const compare = await visit('/experiments/1/compare');
    await compare.page.locator('[data-test=answer]').waitFor();
    await compare.page.getByText(XSS_NAME, { exact: true }).waitFor();
    // Hover the main chart so a tooltip renders.
    const canvas = compare.page.locator('canvas').first();
    const box = await canvas.boundingBox();
    if (box) await compare.page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
    expect(await injected(compare)).toEqual({ imgs: 0, flag: undefined });

    const form = await visit('/new');
    await form.page.locator('[data-test=dataset-picker] .n-select').click();
    await form.page.locator('.n-base-select-option', { hasText: XSS_NAME }).click();
    await form.page.locator('[data-test=dataset-info]').getByText(TEMPLATE_NOTES, { exact: true }).waitFor();
    expect(await injected(form)).toEqual({ imgs: 0, flag: undefined });
  });

  it('explains an invalid batch size at the field, previews iterations per batch size, and runs only a valid spec', async () => {
    const w = await visit('/new');
    const batch = w.page.locator('[data-test=param-batchSize] input');
    await w.page.locator('[data-test=trial-count]').waitFor();
    await batch.fill('100, 0');
    await w.page.locator('[data-test=param-batchSize]').getByText('batch size must be at least 1').waitFor();
    expect(await w.page.locator('[data-test=run]').isDisabled()).toBe(true);

    await batch.fill('100, 1000');
    const spiral = DATASETS[0];
    const { nTrain } = splitSizes(spiral.classCounts, 0.2);
    // Epochs left at the form's default, which is the spec schema's.
    const a100 = iterationAccounting(nTrain, 100, SPEC_DEFAULTS.params.epochs as number);
    await w.page.locator('[data-test=batch-table]').getByText(`(uses ${nTrain} = N)`).waitFor();
    const rows = await w.page.locator('[data-test=batch-table] tbody tr').allInnerTexts();
    expect(rows[0].split('\t').map((c) => c.trim())).toEqual(['100', String(a100.iterationsPerEpoch), String(a100.lastBatchSize), String(a100.totalIterations)]);
    await w.page.locator('[data-test=run]:not([disabled])').waitFor();
    expect((await w.page.locator('[data-test=trial-count]').textContent())?.trim()).toBe('2');

    await w.page.locator('[data-test=run]').click();
    await w.page.waitForURL(/#\/experiments\/2$/);
    expect(server.calls.filter((c) => c.method === 'createExperiment')).toHaveLength(1);
    await w.page.locator('[data-test=run-table]').waitFor();

    // Live: a progress event turns the first run to running with an ETA, without reloading.
    const detail = server.experiments.get(2)!;
    const first = detail.runs[0];
    server.emit({
      type: 'run-progress', experimentId: 2, runId: first.id, step: 20, totalSteps: first.accounting.totalIterations, epoch: 3, loss: 0.5, elapsedMs: 2000,
      samplesPerSecond: 1000, experimentProgress: { ...experimentProgress(totalsOf(detail.runs)), doneIterations: 20, etaSeconds: 12 },
    });
    await w.page.locator('[data-test=run-progress]').getByText(/ETA/).first().waitFor();
    await w.page.locator('[data-test=overall-progress]').getByText(/ETA/).waitFor();
  });

  it('answers on the Compare view which configuration reached the lowest validation loss, when and after how much', async () => {
    const w = await visit('/experiments/1/compare');
    const answer = w.page.locator('[data-test=answer]');
    await answer.waitFor();
    const built = makeExperiment(1, XSS_NAME, TEMPLATE_NOTES, grid, 1);
    const epochs = Object.fromEntries(built.runs.map((r) => [r.summary.id, r.epochs]));
    // Default grouping: one line per configuration (here each run: no seeds), ranked by stored best epochs.
    const winner = bestEpochTable(makeRunSet(built.detail.runs), epochs, 'config').rows.find((r) => r.winner)!;
    // Until the epoch rows arrive the sentence is built from the run summaries alone (no iterations yet).
    await expect.poll(async () => answer.innerText(), { timeout: 10_000 }).toMatch(/iterations and/);
    const text = (await answer.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain(`Lowest validation loss: ${winner.group}`);
    expect(text).toContain(`at epoch ${winner.epoch}, after ${winner.step!.toLocaleString('en-US')} iterations and ${winner.samplesSeen!.toLocaleString('en-US')} samples seen`);
    expect(await w.page.locator('[data-test=best-epoch] tbody tr').count()).toBe(6);
    // Every x axis can be chosen.
    for (const axis of ['Iteration', 'Samples seen', 'Wall time (s)', 'Epoch']) {
      await w.page.locator('[data-test=x-axis]').first().getByText(axis, { exact: true }).click();
    }
  });

  it('asks for confirmation before deleting an experiment', async () => {
    const w = await visit('/');
    await w.page.locator('[data-test=delete]').first().waitFor();
    const before = server.calls.filter((c) => c.method === 'deleteExperiment').length;
    await w.page.locator('[data-test=delete]').first().click();
    await w.page.getByRole('button', { name: 'Keep' }).click();
    expect(server.calls.filter((c) => c.method === 'deleteExperiment').length).toBe(before);
    await w.page.locator('[data-test=delete]').first().click();
    await w.page.getByRole('button', { name: 'Delete', exact: true }).last().click();
    await expect.poll(() => server.calls.filter((c) => c.method === 'deleteExperiment').length).toBe(before + 1);
  });
});
