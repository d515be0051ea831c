/**
 * The Compare view in Chromium against the mock API: what it draws is read back from the SVG it saves
 * (the very option on screen, rendered by ECharts' server-side renderer) and checked against values
 * computed here from the mock data; its state lives in the URL; it compares across experiments; its
 * report opens offline.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { meanStd } from '../../../src-renderer/src/charts/aggregate';
import { bestEpochTable } from '../../../src-renderer/src/charts/best-epoch';
import { makeRunSet } from '../../../src-renderer/src/charts/run-set';
import { iterationBudget } from '../../../src-renderer/src/charts/compare';
import { axisScale, inside, parseSvg, xTicks, yTicks, type SvgLine, type SvgPolygon } from '../svg-geometry';
import { launch, openPage, RENDERER_DIR, type WatchedPage } from './browser';
import { openOffline } from '../offline-report';
import { XSS_NAME, freshRun, makeExperiment, reshapeEpochs, type MockRun } from './mock-data';
import { startMockServer, type MockServer } from './mock-server';

let browser: Browser;
let server: MockServer;
const pages: WatchedPage[] = [];

/** A 3 × 2 grid (batch size × learning rate) with 2 seeds; dropout-like: validation loss below training loss at first. */
const grid = [16, 64, 256].flatMap((batchSize) => [0.01, 0.1].flatMap((learningRate) => [1, 2].map((seed) => ({ batchSize, learningRate, seed, epochs: 6 }))));
/** Validation loss 20 % under training loss at epoch 1, 10 % more each epoch after; the seeds spread it apart. */
const valFactor = (run: MockRun, epoch: number) => 0.7 + 0.1 * epoch + 0.06 * (run.summary.params.seed - 1.5);
const gridExperiment = makeExperiment(10, XSS_NAME, '', grid, 100);
for (const run of gridExperiment.runs) {
  // Seed 2 of the first configuration starts far higher: its mean − std at epoch 1 is below 0 (log y clips it).
  const blowUp = run.summary.index === 1 ? 3 : 0;
  reshapeEpochs(run, (e) => {
    const train = (e.trainLoss ?? 0) + (e.epoch === 1 ? blowUp : 0);
    return { trainLoss: train, valLoss: train * valFactor(run, e.epoch) };
  });
}
gridExperiment.detail.runs = gridExperiment.runs.map((r) => r.summary);
const otherExperiment = makeExperiment(11, 'second <b>grid</b>', '', [16, 64].map((batchSize) => ({ batchSize, epochs: 6 })), 200);
const seedsOnly = makeExperiment(12, 'seeds only', '', [1, 2, 3].map((seed) => ({ seed, learningRate: 0.05 })), 300);
const live = makeExperiment(13, 'live', '', [{ batchSize: 32 }], 400);
freshRun(live.runs[0]);
live.detail.runs = live.runs.map((r) => r.summary);
/** One configuration, 4 seeds that got unequally far: done, stopped early at 3, still training at 2, queued. */
const partial = makeExperiment(14, 'partial', '', [1, 2, 3, 4].map((seed) => ({ seed, learningRate: 0.02, epochs: 6 })), 500);
{
  const [, stopped, training, queued] = partial.runs;
  const cut = (run: MockRun, epochs: number, status: MockRun['summary']['status']) => {
    run.epochs = run.epochs.slice(0, epochs);
    reshapeEpochs(run, () => ({}));
    run.summary = { ...run.summary, status, epochsDone: epochs, stepsDone: epochs * run.summary.accounting.iterationsPerEpoch };
  };
  cut(stopped, 3, 'early-stopped');
  cut(training, 2, 'running');
  freshRun(queued);
  queued.summary = { ...queued.summary, status: 'queued', startedAt: null };
  partial.detail.runs = partial.runs.map((r) => r.summary);
}
const big = makeExperiment(50, 'big', '', Array.from({ length: 100 }, (_, i) => ({ batchSize: 8, epochs: 100, learningRate: 0.001 * (1 + (i % 10)), seed: 1 + Math.floor(i / 10) })), 1000);

beforeAll(async () => {
  browser = await launch();
  server = await startMockServer(RENDERER_DIR);
  for (const e of [gridExperiment, otherExperiment, seedsOnly, live, partial, big]) server.add(e);
});
afterAll(async () => {
  for (const w of pages) {
    expect(w.errors).toEqual([]);
    expect(await w.violations()).toEqual([]);
  }
  await browser?.close();
  await server?.close();
});

/** A page-side counter of zero-delay tasks that ran while chart work was pending (the 100-run test). */
interface HeartbeatGlobals {
  __beat: { whileBusy: number; sawBusy: boolean; done: boolean };
  document: { querySelector(sel: string): { getAttribute(name: string): string | null } | null };
  setTimeout(fn: () => void, ms: number): unknown;
}

async function visit(hash: string): Promise<WatchedPage> {
  const w = await openPage(browser, `${server.url}#${hash}`);
  pages.push(w);
  return w;
}

/** The panel's chart as "Save as SVG" writes it. */
async function savedSvg(page: Page, panel: string): Promise<string> {
  await settled(page);
  const button = page.locator(`[data-test=panel-${panel}] [data-test=save-svg]`);
  await button.waitFor({ timeout: 20_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  expect(download.suggestedFilename()).toMatch(/\.svg$/);
  return readFileSync((await download.path())!, 'utf8');
}

/** Every chart shows its latest data (chart work is queued, one piece per task). */
async function settled(page: Page): Promise<void> {
  await page.locator('[data-test=compare][data-busy=false]').waitFor({ timeout: 30_000 });
}

async function waitForAnswer(page: Page): Promise<void> {
  await page.locator('[data-test=answer]').waitFor({ timeout: 20_000 });
  await expect.poll(() => page.locator('[data-test=answer]').innerText(), { timeout: 20_000 }).toMatch(/iterations and/);
}

const query = (page: Page) => Object.fromEntries(new URLSearchParams(page.url().split('?')[1] ?? ''));

/** Drawn mean lines (not the faint raw ones) and bands, paired by colour. */
function linesAndBands(svg: string): Array<{ line: SvgLine; band: SvgPolygon | undefined }> {
  const { lines, polygons } = parseSvg(svg);
  return lines.filter((l) => l.width === 1.8 && l.opacity === 1).map((line) => ({ line, band: polygons.find((p) => p.fill === line.stroke && Math.abs(p.points[0][0] - line.points[0][0]) < 1) }));
}

/** The mock's own numbers: mean ± sample std over the seeds of a configuration at one epoch. */
function seedStats(experiment: ReturnType<typeof makeExperiment>, configIndex: number, epoch: number, value: (e: MockRun['epochs'][number]) => number | null) {
  const members = experiment.runs.filter((r) => Math.floor(r.summary.index / 2) === configIndex);
  return meanStd(members.map((r) => value(r.epochs[epoch - 1])))!;
}

// Several pages per test, each drawing several charts: a shared, loaded machine needs minutes, not seconds.
const SLOW = 240_000;

describe('Compare in the browser', () => {
  it('draws ± std bands that enclose their line for a negative generalization gap, at mean ± std', async () => {
    const w = await visit(`/experiments/10/compare?panels=gap`);
    const svg = await savedSvg(w.page, 'gap');
    const drawn = linesAndBands(svg);
    // 6 configurations × 1 gap panel: 6 mean lines, each inside its own band.
    expect(drawn).toHaveLength(6);
    for (const { line, band } of drawn) {
      expect(band).toBeDefined();
      for (const p of line.points) expect(inside(p, band!.points)).toBe(true);
    }
    // Read the first configuration's band back through the axis labels and compare with mean ± std of the mock's rows.
    const { texts } = parseSvg(svg);
    const first = drawn[0];
    const x0 = first.line.points[0][0];
    const toY = axisScale(yTicks(texts, x0), false);
    const stats = seedStats(gridExperiment, 0, 1, (e) => (e.valLoss ?? 0) - (e.trainLoss ?? 0));
    expect(stats.mean).toBeLessThan(0);
    const atEpoch1 = first.band!.points.filter(([x]) => Math.abs(x - x0) < 0.5).map(([, y]) => toY(y));
    const tolerance = (toY(0) - toY(1)) * 1.5; // one and a half pixels in data units
    expect(Math.abs(Math.max(...atEpoch1) - (stats.mean + stats.std))).toBeLessThan(Math.abs(tolerance));
    expect(Math.abs(Math.min(...atEpoch1) - (stats.mean - stats.std))).toBeLessThan(Math.abs(tolerance));
  }, SLOW);

  it('draws them on log y too: clipped at the smallest positive value, never at the axis floor, still enclosing the line', async () => {
    const w = await visit(`/experiments/10/compare?panels=curves&log=1`);
    const svg = await savedSvg(w.page, 'curves');
    const drawn = linesAndBands(svg);
    expect(drawn).toHaveLength(12);
    for (const { line, band } of drawn) for (const p of line.points) expect(inside(p, band!.points)).toBe(true);
    // Training loss of configuration 1 at epoch 1: mean − std < 0, so the band's lower edge sits at the panel's smallest positive value.
    const stats = seedStats(gridExperiment, 0, 1, (e) => e.trainLoss);
    expect(stats.mean - stats.std).toBeLessThan(0);
    const { texts } = parseSvg(svg);
    const train = drawn[0];
    const toY = axisScale(yTicks(texts, train.line.points[0][0]), true);
    // The smallest positive value drawn in these (shared-y) panels: a mean, or a band edge above 0.
    const drawnValues = [0, 1, 2, 3, 4, 5].flatMap((config) => [1, 2, 3, 4, 5, 6].flatMap((epoch) => [(e: MockRun['epochs'][number]) => e.trainLoss, (e: MockRun['epochs'][number]) => e.valLoss].flatMap((value) => {
      const s = seedStats(gridExperiment, config, epoch, value);
      return [s.mean, s.mean - s.std, s.mean + s.std];
    })));
    const floor = Math.min(...drawnValues.filter((v) => v > 0));
    const bottom = Math.min(...train.band!.points.map(([, y]) => toY(y)));
    expect(bottom / floor).toBeGreaterThan(0.93);
    expect(bottom / floor).toBeLessThan(1.07);
  }, SLOW);

  it('groups a 3 × 2 grid with 2 seeds into 6 seed means by default, and by batch size keeps each learning rate its own line', async () => {
    const w = await visit(`/experiments/10/compare`);
    await waitForAnswer(w.page);
    expect(await w.page.locator('[data-test=best-epoch] tbody tr').count()).toBe(6);
    const svg = await savedSvg(w.page, 'curves');
    const legend = parseSvg(svg).texts.map((t) => t.text).filter((t) => t.endsWith('(mean of 2 seeds)'));
    expect(legend).toHaveLength(6);
    expect(linesAndBands(svg)).toHaveLength(12); // 6 lines × (training, validation)
    // The answer is the stored best of the best configuration.
    const epochs = Object.fromEntries(gridExperiment.runs.map((r) => [r.summary.id, r.epochs]));
    const winner = bestEpochTable(makeRunSet(gridExperiment.detail.runs), epochs, 'config').rows.find((r) => r.winner)!;
    const text = (await w.page.locator('[data-test=answer]').innerText()).replace(/\s+/g, ' ');
    expect(text).toContain(`Lowest validation loss: ${winner.group}`);
    expect(text).toContain(`at epoch ${winner.epoch}, after ${winner.step!.toLocaleString('en-US')} iterations`);

    await w.page.locator('[data-test=group-by]').click();
    await w.page.locator('.n-base-select-option', { hasText: /^Batch size$/ }).click();
    await expect.poll(() => query(w.page).group).toBe('batchSize');
    const byBatch = await savedSvg(w.page, 'curves');
    expect(parseSvg(byBatch).texts.map((t) => t.text).filter((t) => t.includes('(2 configurations, seed means)'))).toHaveLength(3);
    expect(linesAndBands(byBatch)).toHaveLength(12);
    expect(await w.page.locator('[data-test=chart-note]').first().innerText()).toContain('every configuration of the other hyperparameters is its own line');
  }, SLOW);

  it('labels train and val apart in the tooltip, with ± std', async () => {
    const w = await visit(`/experiments/10/compare?panels=curves&layout=side-by-side`);
    const chart = w.page.locator('[data-test=panel-curves] [data-test=echart]');
    await chart.waitFor();
    const box = (await chart.boundingBox())!;
    await w.page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
    const tip = chart.locator('> div').filter({ hasText: '· train: ' });
    await tip.waitFor({ timeout: 10_000 });
    const html = await tip.innerText();
    expect(html).toMatch(/· train: [\d.]+ ± [\d.]+/);
    expect(html).toMatch(/· val: [\d.]+ ± [\d.]+/);
  }, SLOW);

  it('compares runs of two experiments, named in legends and tables, from the URL and from the picker', async () => {
    const ids = [gridExperiment.runs[0].summary.id, gridExperiment.runs[1].summary.id, otherExperiment.runs[0].summary.id];
    const w = await visit(`/compare?runs=${ids.join(',')}`);
    await w.page.getByRole('heading', { name: 'Compare runs of 2 experiments' }).waitFor({ timeout: 20_000 });
    await waitForAnswer(w.page);
    const table = await w.page.locator('[data-test=best-epoch] tbody').innerText();
    // Only the seed varies among these three runs; the experiment names tell the configurations apart.
    expect(table).toContain(`${XSS_NAME} (mean of 2 seeds)`);
    expect(table).toContain('second <b>grid</b> · seed=1');
    const legend = parseSvg(await savedSvg(w.page, 'curves')).texts.map((t) => t.text);
    expect(legend).toContain('second <b>grid</b> · seed=1');
    expect(legend).toContain(`${XSS_NAME} (mean of 2 seeds)`);

    // "Compare with…": from experiment 11's Compare, add a run of experiment 10 in the picker.
    const p = await visit(`/experiments/11/compare`);
    await waitForAnswer(p.page);
    await p.page.locator('[data-test=pick-runs]').click();
    await p.page.locator('[data-test=picker-experiment-10]').getByText(XSS_NAME, { exact: true }).click();
    await p.page.locator(`[data-test=pick-run-${gridExperiment.runs[3].summary.id}]`).click();
    await expect.poll(() => query(p.page).runs, { timeout: 10_000 }).toBe(`${otherExperiment.runs.map((r) => r.summary.id).join(',')},${gridExperiment.runs[3].summary.id}`);
    await p.page.getByRole('heading', { name: 'Compare runs of 2 experiments' }).waitFor();

    // A run id that does not exist is reported, the others compared.
    const missing = await visit(`/compare?runs=${ids[0]},99999`);
    await missing.page.locator('[data-test=missing-runs]').getByText('No run 99999').waitFor({ timeout: 20_000 });
    await waitForAnswer(missing.page);
  }, SLOW);

  it('keeps the whole state in the URL: it survives a reload, Back restores the previous one, and an edited URL is followed', async () => {
    const w = await visit(`/experiments/10/compare`);
    await waitForAnswer(w.page);
    await w.page.locator('[data-test=panel-curves] [data-test=x-axis]').getByText('Samples seen', { exact: true }).click();
    await expect.poll(() => query(w.page).x).toBe('samples');
    await w.page.locator('[data-test=log-y]').click();
    await expect.poll(() => query(w.page).log).toBe('1');
    await w.page.locator('[data-test=panels]').getByText('Parallel coordinates').click();
    await expect.poll(() => query(w.page).panels).toBe('curves,table,iterations,gap,heatmap,analysis');
    const url = w.page.url();

    await w.page.reload();
    await waitForAnswer(w.page);
    expect(w.page.url()).toBe(url);
    expect(await w.page.locator('[data-test=log-y]').getAttribute('aria-checked')).toBe('true');
    expect(await w.page.locator('[data-test=panel-curves] [data-test=x-axis] .n-radio-button--checked').innerText()).toBe('Samples seen');
    expect(await w.page.locator('[data-test=panel-parallel]').count()).toBe(0);

    await w.page.goBack();
    await expect.poll(() => query(w.page).panels).toBeUndefined();
    await w.page.locator('[data-test=panel-parallel]').waitFor();
    await w.page.goBack();
    await expect.poll(() => query(w.page).log).toBeUndefined();
    await expect.poll(() => w.page.locator('[data-test=log-y]').getAttribute('aria-checked')).toBe('false');

    // Editing the address changes the view.
    await w.page.evaluate(() => {
      const g = globalThis as unknown as { location: { hash: string } };
      g.location.hash = g.location.hash.replace('x=samples', 'x=epoch') + '&metric=accuracy&group=nonsense';
    });
    await w.page.locator('[data-test=panel-curves]').getByText('Accuracy by epoch').waitFor();
    await w.page.locator('[data-test=url-issues]').getByText(/group: group must be run, config or a hyperparameter/).waitFor();
  }, SLOW);

  it('downloads a report that opens offline, makes no request, and holds one SVG per chart', async () => {
    const w = await visit(`/experiments/10/compare`);
    await waitForAnswer(w.page);
    const [download] = await Promise.all([w.page.waitForEvent('download'), w.page.locator('[data-test=download-report]').click()]);
    expect(download.suggestedFilename()).toBe('experiment-10-report.html');
    // Saved under its own name: a browser opens a file by its extension.
    const path = join(mkdtempSync(join(tmpdir(), 'epochlab-report-')), download.suggestedFilename());
    await download.saveAs(path);

    const report = await openOffline(browser, path);
    expect(report.charts).toEqual([1, 1, 1, 1, 1]);
    expect(report.answer).toMatch(/^Lowest validation loss: .+ at epoch \d+, after [\d,]+ iterations/);
    expect(report.active).toBe(0);
    expect(report.title).toBe(`Comparison: ${XSS_NAME}`);
    expect(report.requests).toEqual([]);
    expect(report.errors).toEqual([]);
  }, SLOW);

  it('says why no heatmap can be drawn when only one hyperparameter (and the seed) varies, and never puts one on both axes', async () => {
    const w = await visit(`/experiments/12/compare?panels=heatmap`);
    await w.page.locator('[data-test=panel-heatmap] [data-test=chart-empty]').getByText(/needs two different hyperparameters.*only learning rate varies|needs two different hyperparameters.*no hyperparameter varies/).waitFor({ timeout: 20_000 });
    const g = await visit(`/experiments/10/compare?panels=heatmap&hx=batchSize&hy=batchSize`);
    await g.page.locator('[data-test=panel-heatmap]').getByText('Heatmap over two hyperparameters: Batch size × Learning rate').waitFor({ timeout: 20_000 });
  }, SLOW);

  it('shows the first epoch of a run that just started, live', async () => {
    const run = live.runs[0].summary;
    const w = await visit(`/compare?runs=${run.id}&panels=curves`);
    await w.page.locator('[data-test=panel-curves] [data-test=chart-empty]').waitFor({ timeout: 20_000 });
    const metric = { epoch: 1, step: 25, trainLoss: 0.9, trainAccuracy: 0.5, valLoss: 0.95, valAccuracy: 0.45, learningRate: 0.01, seconds: 1, samplesSeen: 800, elapsedMs: 1000 };
    server.emit({ type: 'run-epoch', experimentId: 13, runId: run.id, metric });
    await w.page.locator('[data-test=panel-curves] [data-test=echart]').waitFor({ timeout: 10_000 });
    const svg = await savedSvg(w.page, 'curves');
    const { texts } = parseSvg(svg);
    // One point at epoch 1 in each panel, and whole-epoch ticks only.
    const ticks = xTicks(texts, 0, 2000).map((t) => t.value);
    expect(ticks.length).toBeGreaterThan(0);
    expect(ticks.every(Number.isInteger)).toBe(true);
    expect((svg.match(/ecmeta_ssr_type="chart"/g) ?? []).length).toBeGreaterThanOrEqual(2);
  }, SLOW);

  it('zooms by dragging over a panel, and resets', async () => {
    const w = await visit(`/experiments/10/compare?panels=curves&x=iteration`);
    const chart = w.page.locator('[data-test=panel-curves] [data-test=echart]');
    await chart.waitFor({ timeout: 20_000 });
    const before = xTicks(parseSvg(await savedSvg(w.page, 'curves')).texts, 0, 3000);
    const box = (await chart.boundingBox())!;
    // Inside the first panel's plot (below the legend): from 20 % to 35 % of the chart's width.
    const y = box.y + 56 + 24 + 90;
    await w.page.mouse.move(box.x + box.width * 0.2, y);
    await w.page.mouse.down();
    await w.page.mouse.move(box.x + box.width * 0.35, y + 40, { steps: 5 });
    await w.page.mouse.up();
    await w.page.locator('[data-test=panel-curves] [data-test=reset-zoom]').waitFor();
    const zoomed = xTicks(parseSvg(await savedSvg(w.page, 'curves')).texts, 0, 3000);
    expect(Math.max(...zoomed.map((t) => t.value))).toBeLessThan(Math.max(...before.map((t) => t.value)));
    await w.page.locator('[data-test=panel-curves] [data-test=reset-zoom]').click();
    await expect.poll(() => w.page.locator('[data-test=panel-curves] [data-test=reset-zoom]').count()).toBe(0);
    const [png] = await Promise.all([w.page.waitForEvent('download'), w.page.locator('[data-test=panel-curves] [data-test=save-png]').click()]);
    expect(png.suggestedFilename()).toMatch(/\.png$/);
    expect(readFileSync((await png.path())!).subarray(1, 4).toString()).toBe('PNG');
  }, SLOW);

  it('draws runs that got unequally far as they are: a seed mean over those with a value, a queued run without a curve, bad and unknown ids named', async () => {
    const ids = partial.runs.map((r) => r.summary.id);
    const w = await visit(`/compare?runs=${ids.join(',')},abc,99999`);
    await w.page.locator('[data-test=url-issues]').getByText('not abc').waitFor({ timeout: 20_000 });
    await w.page.locator('[data-test=missing-runs]').getByText('No run 99999').waitFor({ timeout: 20_000 });
    await waitForAnswer(w.page);
    await expect.poll(() => w.page.locator('[data-test=selection-summary]').innerText()).toMatch(/^4 runs from partial/);
    // One configuration: one mean line per panel, named for all 4 seeds, drawn to the last epoch any seed reached.
    const svg = await savedSvg(w.page, 'curves');
    const drawn = linesAndBands(svg);
    expect(drawn).toHaveLength(2);
    expect(parseSvg(svg).texts.map((t) => t.text)).toContain('all runs (mean of 4 seeds)');
    const line = drawn[0].line.points;
    const left = Math.min(...line.map(([x]) => x));
    const right = Math.max(...line.map(([x]) => x));
    const toX = axisScale(xTicks(parseSvg(svg).texts, left, right), false);
    const xs = line.map(([x]) => Math.round(toX(x)));
    expect(Math.min(...xs)).toBe(1);
    expect(Math.max(...xs)).toBe(6);
    // The table counts every member and the stop; the best run is the one with the best stored value.
    const table = w.page.locator('[data-test=best-epoch] tbody tr');
    await expect.poll(() => table.count()).toBe(1);
    const cells = await table.first().locator('td').allInnerTexts();
    expect(cells[1]).toBe('4');
    expect(cells).toContain('1 of 4');
  }, SLOW);

  it('fetches each series once, shows a spinner meanwhile, and draws 100 runs in full when grouped by run', async () => {
    server.delays.getIterationSeries = 1500;
    const callsBefore = server.calls.length;
    const w = await visit('/experiments/50/compare');
    await w.page.locator('[data-test=panel-iterations] [data-test=chart-loading]').waitFor({ timeout: 20_000 });
    await waitForAnswer(w.page);
    await expect.poll(() => w.page.locator('[data-test=chart-loading]').count(), { timeout: 20_000 }).toBe(0);
    server.delays.getIterationSeries = 0;
    const calls = server.calls.slice(callsBefore);
    const ids = big.runs.map((r) => r.summary.id).sort((a, b) => a - b);
    const asked = (method: string) => calls.filter((c) => c.method === method).flatMap((c) => (c.input as { runIds: number[] }).runIds).filter((id) => id >= 1000);
    expect(asked('getEpochMetrics').sort((a, b) => a - b)).toEqual(ids);
    expect(asked('getIterationSeries').sort((a, b) => a - b)).toEqual(ids);
    // Pages of earlier tests stay open, and one with a run still training refreshes its series every 5 s: look at this page's call.
    const ownCall = calls.find((c) => c.method === 'getIterationSeries' && (c.input as { runIds: number[] }).runIds.some((id) => id >= 1000));
    expect(ownCall?.input).toMatchObject({ maxPoints: iterationBudget(100) });

    // "each run": the page must keep answering while the charts are rebuilt. No clock here (the machine is
    // shared; the timing target lives in `npm run bench`, compare section): a heartbeat of zero-delay tasks
    // counts how often the page ran something else while chart work was still pending. Done in one block,
    // the work would let it in at most once; in pieces, once between each.
    await w.page.evaluate(() => {
      const g = globalThis as unknown as HeartbeatGlobals;
      const compare = () => g.document.querySelector('[data-test=compare]');
      g.__beat = { whileBusy: 0, sawBusy: false, done: false };
      const beat = () => {
        const busy = compare()?.getAttribute('data-busy') === 'true';
        if (busy) {
          g.__beat.whileBusy++;
          g.__beat.sawBusy = true;
        } else if (g.__beat.sawBusy) {
          g.__beat.done = true;
          return;
        }
        g.setTimeout(beat, 0);
      };
      g.setTimeout(beat, 0);
    });
    await w.page.locator('[data-test=group-by]').click();
    await w.page.locator('.n-base-select-option', { hasText: 'each run' }).click();
    await expect.poll(() => w.page.evaluate(() => (globalThis as unknown as HeartbeatGlobals).__beat.done), { timeout: 60_000 }).toBe(true);
    const beats = await w.page.evaluate(() => (globalThis as unknown as HeartbeatGlobals).__beat.whileBusy);
    console.log(`[compare.ui] the page answered ${beats} times while switching 100 runs to "each run"`);
    // One panel per piece (curves, iterations, gap, best epochs, heatmap, parallel): the page answered between them.
    expect(beats).toBeGreaterThanOrEqual(3);
    await settled(w.page);
    // Everything drawn: 100 legend entries, 100 lines per panel.
    const svg = await savedSvg(w.page, 'curves');
    expect(linesAndBands(svg)).toHaveLength(200);
    expect(new Set(parseSvg(svg).texts.map((t) => t.text).filter((t) => /^lr=[\d.]+ · seed=\d+$/.test(t))).size).toBe(100);
  }, SLOW);
});
