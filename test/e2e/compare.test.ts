// Compare against the real `epochlab serve`: two small experiments trained for real (moons, worker threads,
// SQLite), compared in Chromium — seed means with bands checked against the stored epochs, runs of both
// experiments side by side, the state in the URL — and the report, from the app and from the CLI, opened
// offline. Screenshots go to test-artifacts/e2e/ (the README's Compare section uses them).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EpochMetric, ExperimentDetail, ExperimentSpecInput } from '../../src-main/contract';
import { meanStd } from '../../src-renderer/src/charts/aggregate';
import { axisScale, inside, parseSvg, yTicks } from '../renderer/svg-geometry';
import { openOffline } from '../renderer/offline-report';
import { launchBrowser, screenshot, startServe, type Served } from './serve-harness';

let served: Served;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const moons = (name: string, params: ExperimentSpecInput['params']): ExperimentSpecInput => ({
  name,
  dataset: { id: 'moons', size: 600, noise: 0.25, seed: 3 },
  validation: { split: 0.25, seed: 0 },
  // Dropout makes training loss (measured with dropout) higher than validation loss at first: a negative gap.
  model: { template: 'mlp', hidden: [32], dropout: 0.5 },
  params,
});

async function api<T>(method: string, input: unknown = {}): Promise<T> {
  const response = await page.request.post(`${served.origin}/api/${method}`, { data: input });
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as T;
}

async function savedSvg(panel: string): Promise<string> {
  await page.locator('[data-test=compare][data-busy=false]').waitFor({ timeout: 60_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-test=panel-${panel}] [data-test=save-svg]`).click()]);
  return readFileSync((await download.path())!, 'utf8');
}

/**
 * Waits for the services to train an experiment: no clock of its own (the machine may be slow), the
 * hook's timeout bounds it; an experiment that ends any other way fails at once, naming how.
 */
async function finished(experimentId: number): Promise<void> {
  for (;;) {
    const { status } = await api<ExperimentDetail>('getExperiment', { experimentId });
    if (status === 'finished') return;
    if (status !== 'running') throw new Error(`experiment ${experimentId} ended ${status}, not finished`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

let grid: ExperimentDetail;
let pair: ExperimentDetail;

beforeAll(async () => {
  served = await startServe();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(served.url);
  // A 3 × 2 grid (batch size × learning rate) with 2 seeds, and a second, smaller experiment.
  const a = await api<{ id: number }>('createExperiment', { spec: moons('moons grid <b>3×2</b>', { batchSize: [16, 64, 128], learningRate: [0.01, 0.05], seed: [1, 2], epochs: 5 }) });
  const b = await api<{ id: number }>('createExperiment', { spec: moons('moons pair', { batchSize: [32, 96], learningRate: 0.02, epochs: 5 }) });
  for (const id of [a.id, b.id]) await finished(id);
  grid = await api<ExperimentDetail>('getExperiment', { experimentId: a.id });
  pair = await api<ExperimentDetail>('getExperiment', { experimentId: b.id });
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

describe('Compare against epochlab serve', () => {
  it('draws the 3 × 2 grid with 2 seeds as 6 seed means whose bands enclose them at mean ± std of the stored epochs', async () => {
    expect(grid.runs.map((r) => r.status).every((s) => s === 'completed' || s === 'early-stopped')).toBe(true);
    await page.goto(`${served.origin}/#/experiments/${grid.id}/compare`);
    await page.locator('[data-test=answer]').waitFor({ timeout: 60_000 });
    await expect.poll(async () => page.locator('[data-test=best-epoch] tbody tr').count(), { timeout: 30_000 }).toBe(6);
    await page.locator('[data-test=compare][data-busy=false]').waitFor({ timeout: 60_000 });
    await screenshot(page, '10-compare-seed-means');

    const svg = await savedSvg('gap');
    const { lines, polygons, texts } = parseSvg(svg);
    const drawn = lines.filter((l) => l.width === 1.8 && l.opacity === 1);
    expect(drawn).toHaveLength(6);
    for (const line of drawn) {
      const band = polygons.find((p) => p.fill === line.stroke)!;
      for (const point of line.points) expect(inside(point, band.points)).toBe(true);
    }
    // The first configuration (lr 0.01, bs 16): its band at epoch 1 spans mean ± std of the two seeds' stored gaps.
    const epochs = await api<Record<number, EpochMetric[]>>('getEpochMetrics', { runIds: grid.runs.map((r) => r.id) });
    const seeds = grid.runs.filter((r) => r.params.batchSize === 16 && r.params.learningRate === 0.01);
    const stats = meanStd(seeds.map((r) => epochs[r.id][0].valLoss! - epochs[r.id][0].trainLoss!))!;
    const line = drawn[0];
    const band = polygons.find((p) => p.fill === line.stroke)!;
    const toY = axisScale(yTicks(texts, line.points[0][0]), false);
    const atFirst = band.points.filter(([x]) => Math.abs(x - line.points[0][0]) < 0.5).map(([, y]) => toY(y));
    const pixel = Math.abs(toY(0) - toY(1));
    expect(Math.abs(Math.max(...atFirst) - (stats.mean + stats.std))).toBeLessThan(2 * pixel);
    expect(Math.abs(Math.min(...atFirst) - (stats.mean - stats.std))).toBeLessThan(2 * pixel);
    expect(pageErrors).toEqual([]);
  });

  it('compares runs of two experiments and keeps it in the URL across a reload', async () => {
    const ids = [...grid.runs.filter((r) => r.params.batchSize === 16 && r.params.learningRate === 0.05).map((r) => r.id), ...pair.runs.map((r) => r.id)];
    await page.goto(`${served.origin}/#/compare?runs=${ids.join(',')}&x=samples`);
    await page.getByRole('heading', { name: 'Compare runs of 2 experiments' }).waitFor({ timeout: 60_000 });
    await page.locator('[data-test=answer]').waitFor({ timeout: 60_000 });
    const table = await page.locator('[data-test=best-epoch] tbody').innerText();
    expect(table).toContain('moons grid <b>3×2</b>');
    expect(table).toContain('moons pair');
    await page.locator('[data-test=compare][data-busy=false]').waitFor({ timeout: 60_000 });
    await screenshot(page, '11-compare-two-experiments');
    await page.reload();
    await page.getByRole('heading', { name: 'Compare runs of 2 experiments' }).waitFor({ timeout: 60_000 });
    expect(page.url()).toContain('x=samples');
    expect(await page.locator('[data-test=panel-curves] [data-test=x-axis] .n-radio-button--checked').innerText()).toBe('Samples seen');
  });

  it('writes the same offline report from the app and from the CLI, one SVG per chart', async () => {
    await page.goto(`${served.origin}/#/experiments/${grid.id}/compare`);
    await page.locator('[data-test=answer]').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.locator('[data-test=answer]').innerText(), { timeout: 30_000 }).toMatch(/iterations and/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=download-report]').click()]);
    const dir = mkdtempSync(join(tmpdir(), 'epochlab-e2e-report-'));
    const fromApp = join(dir, download.suggestedFilename());
    await download.saveAs(fromApp);
    const app = await openOffline(browser, fromApp);
    expect(app.charts).toEqual([1, 1, 1, 1, 1]);
    expect(app.requests).toEqual([]);
    expect(app.active).toBe(0);
    expect(app.title).toBe('Comparison: moons grid <b>3×2</b>');

    const fromCli = join(dir, 'cli-report.html');
    const cli = spawnSync(process.execPath, [resolve('out/node/cli.js'), '--data-dir', served.dataDir, 'report', String(grid.id), '--out', fromCli], { encoding: 'utf8', timeout: 120_000 });
    expect(cli.status, cli.stderr).toBe(0);
    const report = await openOffline(browser, fromCli);
    expect(report.charts).toEqual([1, 1, 1, 1, 1]);
    expect(report.requests).toEqual([]);
    // The same comparison, the same answer, whichever door made it.
    expect(report.answer).toBe(app.answer);
    const reportPage = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await reportPage.goto(`file://${fromCli}`);
    await screenshot(reportPage, '12-report');
    await reportPage.close();
  });
});
