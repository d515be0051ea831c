// The experiment list, experiment and run pages, the form, tags and notes, dark mode and shortcuts in Chromium
// against the mock API: stopped and interrupted experiments say so with the planned total, an early-stopped
// run is a normal outcome, the form shows every error at once. Screenshots go to test-artifacts/ui/.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { diskFullFailure, experimentProgress, type ExperimentStatus, type RunStatus } from '../../../src-renderer/src/contract';
import { launch, openPage, RENDERER_DIR, type WatchedPage } from './browser';
import { XSS_NAME, makeExperiment, totalsOf, type MockRun } from './mock-data';
import { startMockServer, type MockServer } from './mock-server';

const SHOTS = resolve('test-artifacts/ui');
async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}

/** Cuts a mock run back to its first `epochs` epochs, as a run that ended there would be stored. */
function endAt(run: MockRun, epochs: number, status: RunStatus, endReason: string | null): void {
  const kept = run.epochs.slice(0, epochs);
  run.epochs = kept;
  const s = run.summary;
  const best = kept.length ? kept.reduce((a, b) => ((b.valLoss ?? Infinity) < (a.valLoss ?? Infinity) ? b : a)) : null;
  const last = kept.at(-1) ?? null;
  run.summary = {
    ...s, status, endReason, stopEpoch: epochs < s.accounting.epochs && status !== 'running' ? epochs : null, epochsDone: epochs,
    stepsDone: epochs * s.accounting.iterationsPerEpoch, bestEpoch: best?.epoch ?? null, bestValLoss: best?.valLoss ?? null,
    bestValAccuracy: best?.valAccuracy ?? null, bestTrainLoss: best?.trainLoss ?? null, finalValLoss: last?.valLoss ?? null,
    finalValAccuracy: last?.valAccuracy ?? null, finalTrainLoss: last?.trainLoss ?? null, seconds: last ? last.elapsedMs / 1000 : null,
    startedAt: status === 'queued' || (status === 'cancelled' && epochs === 0) ? null : s.startedAt,
  };
}

/** A 2 × 2 grid whose runs end as given; the experiment's status and progress as the services derive them. */
function experimentWith(id: number, name: string, status: ExperimentStatus, ends: Array<[RunStatus, number, string | null]>, firstRunId: number) {
  const grid = [16, 64].flatMap((batchSize) => [0.01, 0.1].map((learningRate) => ({ batchSize, learningRate, epochs: 10 })));
  const built = makeExperiment(id, name, '', grid, firstRunId);
  built.runs.forEach((run, i) => endAt(run, ends[i][1], ends[i][0], ends[i][2]));
  const summaries = built.runs.map((r) => r.summary);
  const counts: Partial<Record<RunStatus, number>> = {};
  for (const r of summaries) counts[r.status] = (counts[r.status] ?? 0) + 1;
  built.detail = { ...built.detail, status, counts, progress: experimentProgress(totalsOf(summaries)), runs: summaries };
  return built;
}

// Run 2 of the finished grid: its best of the first 6 epochs is epoch 5 (mock curves), so it stopped after 6 with patience 1.
const EARLY = 'early stopping: val_loss did not improve by more than 0 for 1 epoch; best epoch 5, stopped after epoch 6';

let browser: Browser;
let server: MockServer;
const pages: WatchedPage[] = [];

beforeAll(async () => {
  browser = await launch();
  server = await startMockServer(RENDERER_DIR);
  server.cliDataDir = '/srv/epochlab data';
  server.add(experimentWith(1, 'Finished grid', 'finished', [['completed', 10, null], ['early-stopped', 6, EARLY], ['completed', 10, null], ['completed', 10, null]], 1));
  server.add(experimentWith(2, 'Stopped grid', 'stopped', [['completed', 10, null], ['cancelled', 3, 'cancelled by the user'], ['cancelled', 0, 'cancelled before it started'], ['cancelled', 0, 'cancelled before it started']], 11));
  server.add(experimentWith(3, 'Interrupted grid', 'interrupted', [['completed', 10, null], ['interrupted', 4, 'the process stopped while this run was training'], ['queued', 0, null], ['queued', 0, null]], 21));
  server.add(experimentWith(4, 'Running grid', 'running', [['completed', 10, null], ['running', 4, null], ['running', 2, null], ['queued', 0, null]], 31));
  // Two runs failed only because the disk filled up (isResumable), one for its own reason (not resumable).
  const diskFull = experimentWith(5, 'Disk-full grid', 'interrupted', [['completed', 10, null], ['failed', 3, null], ['failed', 5, null], ['failed', 2, null]], 41);
  diskFull.runs.forEach((run, i) => {
    if (i > 0) run.summary = { ...run.summary, error: i === 3 ? 'out of memory: reduce the batch size' : diskFullFailure('ENOSPC: no space left on device, write') };
  });
  diskFull.detail.runs = diskFull.runs.map((r) => r.summary);
  diskFull.detail.progress = experimentProgress(totalsOf(diskFull.detail.runs));
  server.add(diskFull);
});
afterAll(async () => {
  for (const w of pages) {
    expect(w.errors).toEqual([]);
    expect(await w.violations()).toEqual([]);
  }
  await server?.close();
  await browser?.close();
});

async function visit(hash: string, colorScheme: 'light' | 'dark' = 'light'): Promise<WatchedPage> {
  const w = await openPage(browser, `${server.url}#${hash}`, { colorScheme });
  pages.push(w);
  return w;
}

describe('experiment status and progress', () => {
  it('lists each experiment with the status and progress the services computed (planned total)', async () => {
    const w = await visit('/');
    await w.page.locator('[data-test=experiment-link]').first().waitFor();
    const rows = await w.page.locator('.n-data-table-tbody tr').allInnerTexts();
    const row = (name: string) => rows.find((r) => r.includes(name))!.replace(/\s+/g, ' ');
    const stopped = server.experiments.get(2)!.progress;
    expect(row('Stopped grid')).toContain('stopped');
    expect(row('Stopped grid')).toContain(`1 of 4 trials done · ${Math.floor(stopped.fraction * 100)} %`);
    expect(stopped.fraction).toBeLessThan(1);
    expect(row('Interrupted grid')).toContain('interrupted');
    expect(row('Finished grid')).toContain('4 of 4 trials done · 100 %');
    await shot(w.page, 'experiments-list');
  });

  it('a stopped experiment says stopped, counts the trials that never started against the planned total, and offers Resume', async () => {
    const w = await visit('/experiments/2');
    await w.page.locator('[data-test=leftover]').waitFor();
    const p = server.experiments.get(2)!.progress;
    expect(await w.page.locator('[data-test=experiment-status]').innerText()).toBe('stopped');
    const leftover = (await w.page.locator('[data-test=leftover]').innerText()).replace(/\s+/g, ' ');
    expect(leftover).toContain('Stopped. 3 of 4 trials were stopped before they finished (2 never started)');
    // Commands shown in serve mode carry the server's --data-dir.
    expect(await w.page.locator('[data-test=resume-command]').innerText()).toBe("epochlab --data-dir '/srv/epochlab data' resume 2");
    const numbers = (await w.page.locator('[data-test=progress-numbers]').innerText()).replace(/\s+/g, ' ');
    expect(numbers).toContain(`${Math.floor(p.fraction * 100)} % · ${p.doneIterations.toLocaleString('en-US')} of ${p.plannedIterations.toLocaleString('en-US')} planned iterations`);
    expect(p.plannedIterations).toBe(server.experiments.get(2)!.runs.reduce((n, r) => n + r.accounting.totalIterations, 0));
    await shot(w.page, 'experiment-stopped');
    const before = server.calls.filter((c) => c.method === 'resumeExperiment').length;
    server.resumeNotes = [
      'run 12: the resume point of epoch 3 was not used: its data does not match the SHA-256 in its manifest',
      'run 12 trains again from scratch: no resume point agrees with the database',
    ];
    await w.page.locator('[data-test=resume-leftover]').click();
    await expect.poll(() => server.calls.filter((c) => c.method === 'resumeExperiment').length, { timeout: 10_000 }).toBe(before + 1);
    // The services' notes on how the runs were queued are shown, each as it was sent.
    await w.page.locator('[data-test=resume-notes]').waitFor();
    expect(await w.page.locator('[data-test=resume-notes] li').allInnerTexts()).toEqual(server.resumeNotes);
    await shot(w.page, 'experiment-resume-notes');
    server.resumeNotes = [];
  });

  it('runs that failed only because the disk was full make the experiment resumable (isResumable); other failures do not', async () => {
    const w = await visit('/experiments/5');
    await w.page.locator('[data-test=leftover]').waitFor();
    expect(await w.page.locator('[data-test=experiment-status]').innerText()).toBe('interrupted');
    expect((await w.page.locator('[data-test=leftover]').innerText()).replace(/\s+/g, ' ')).toContain('The disk was full: 2 of 4 trials could not save their progress. Free some space first.');
    expect(await w.page.locator('[data-test=resume-leftover]').isVisible()).toBe(true);
    await shot(w.page, 'experiment-disk-full');
    const list = await visit('/');
    const row = list.page.locator('.n-data-table-tbody tr', { hasText: 'Disk-full grid' });
    await row.waitFor();
    expect(await row.getByRole('button', { name: 'Resume' }).count()).toBe(1);
    expect(await list.page.locator('.n-data-table-tbody tr', { hasText: 'Finished grid' }).getByRole('button', { name: 'Resume' }).count()).toBe(0);
  });

  it('a run that failed for a full disk points at Resume; a run that failed for its own reason does not', async () => {
    const diskFull = await visit('/runs/42');
    await diskFull.page.locator('[data-test=run-error]').waitFor();
    expect(await diskFull.page.locator('[data-test=run-resume-hint]').innerText()).toContain('Once there is space, Resume on the experiment page');
    await shot(diskFull.page, 'run-disk-full');
    const ownFailure = await visit('/runs/44');
    await ownFailure.page.locator('[data-test=run-error]').getByText('out of memory').waitFor();
    expect(await ownFailure.page.locator('[data-test=run-resume-hint]').count()).toBe(0);
  });

  it('an experiment whose leftovers were interrupted says interrupted and offers Resume', async () => {
    const w = await visit('/experiments/3');
    await w.page.locator('[data-test=leftover]').waitFor();
    expect(await w.page.locator('[data-test=experiment-status]').innerText()).toBe('interrupted');
    expect((await w.page.locator('[data-test=leftover]').innerText()).replace(/\s+/g, ' ')).toContain('Interrupted. Epochlab stopped while this experiment was training: 3 of 4 trials are unfinished.');
    expect(await w.page.locator('[data-test=resume-leftover]').isVisible()).toBe(true);
    await shot(w.page, 'experiment-interrupted');
  });

  it('a running experiment shows the live progress and ETA the services send', async () => {
    const w = await visit('/experiments/4');
    await w.page.locator('[data-test=run-table]').waitFor();
    const detail = server.experiments.get(4)!;
    const live = { ...detail.progress, doneIterations: detail.progress.doneIterations + 5, fraction: 0.5, etaSeconds: 75 };
    server.emit({ type: 'run-progress', experimentId: 4, runId: 32, step: 300, totalSteps: 1000, epoch: 5, loss: 0.4, elapsedMs: 3000, samplesPerSecond: 800, experimentProgress: live });
    await w.page.locator('[data-test=overall-progress]').getByText('ETA 1 m 15 s').waitFor();
    expect(await w.page.locator('[data-test=progress-numbers]').innerText()).toMatch(/^50 %/);
    expect(await w.page.locator('[data-test=leftover]').count()).toBe(0);
    await shot(w.page, 'experiment-running');
  });
});

describe('run page', () => {
  it('shows an early-stopped run neutrally with the stop epoch, the best epoch and the rule, and one visible id', async () => {
    const w = await visit('/runs/2');
    await w.page.locator('[data-test=run-outcome]').waitFor();
    expect(await w.page.locator('[data-test=run-error]').count()).toBe(0);
    expect(await w.page.getByText('The run failed').count()).toBe(0);
    const outcome = (await w.page.locator('[data-test=run-outcome]').innerText()).replace(/\s+/g, ' ');
    expect(outcome).toContain('Stopped early after epoch 6 of 10');
    expect(outcome).toContain(`best epoch ${server.runs.get(2)!.summary.bestEpoch}`);
    expect(await w.page.locator('[data-test=end-reason]').innerText()).toBe(EARLY);
    expect((await w.page.locator('[data-test=run-title]').innerText()).replace(/\s+/g, ' ')).toBe('Run 2 · trial 2 of experiment 1');
    expect((await w.page.locator('[data-test=breadcrumbs]').innerText()).replace(/\s+/g, ' ')).toBe('Experiments / Finished grid (experiment 1) / run 2');
    expect(await w.page.url()).toMatch(/#\/runs\/2$/);
    expect(await w.page.locator('[data-test=cli-equivalents]').innerText()).toContain("epochlab --data-dir '/srv/epochlab data' show 2");
    await shot(w.page, 'run-early-stopped');
  });

  it('tags and notes a run after launch, renders them as text, and finds it by tag in the run table', async () => {
    const w = await visit('/runs/3');
    await w.page.locator('[data-test=add-tag]').click();
    await w.page.locator('[data-test=tag-input] input').fill('baseline two:words');
    await w.page.locator('[data-test=tag-input] input').press('Enter');
    await w.page.locator('[data-test=tag-problem]').getByText('a tag is one word', { exact: false }).waitFor();
    await w.page.locator('[data-test=tag-input] input').fill('Baseline keep');
    await w.page.locator('[data-test=tag-input] input').press('Enter');
    await expect.poll(() => server.runs.get(3)!.summary.tags, { timeout: 10_000 }).toEqual(['baseline', 'keep']);
    await w.page.locator('[data-test=edit-notes]').click();
    await w.page.locator('[data-test=notes-input] textarea').fill(XSS_NAME);
    await w.page.locator('[data-test=notes-save]').click();
    await w.page.locator('[data-test=notes-text]').getByText(XSS_NAME, { exact: true }).waitFor();
    expect(await w.page.evaluate(() => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('img[src="x"]').length)).toBe(0);

    const table = await visit('/experiments/1');
    const filter = table.page.locator('[data-test=run-filter] input');
    await filter.waitFor();
    await filter.fill('tag:baseline');
    await expect.poll(async () => table.page.locator('[data-test=run-count]').innerText(), { timeout: 10_000 }).toMatch(/^1 of 4 runs/);
    expect(await table.page.locator('[data-test=run-link]').allInnerTexts()).toEqual(['run 3']);
    await filter.fill('bs=64 lr<0.05');
    await expect.poll(async () => table.page.locator('[data-test=run-link]').allInnerTexts(), { timeout: 10_000 }).toEqual(['run 3']);
    await filter.fill('bs<<3');
    await table.page.locator('[data-test=run-filter-error]').waitFor();
    expect(await table.page.locator('[data-test=run-filter-error]').innerText()).toMatch(/^Filter not applied — /);
    expect(await table.page.locator('[data-test=run-count]').innerText()).toMatch(/^4 of 4 runs/);
  });
});

describe('new experiment form', () => {
  it('shows every field’s error at once and sends no invalid preview', async () => {
    const w = await visit('/new');
    await w.page.locator('[data-test=trial-count]').waitFor();
    const previews = () => server.calls.filter((c) => c.method === 'previewExperiment').length;
    await w.page.locator('[data-test=name] input').fill('');
    await w.page.locator('[data-test=param-batchSize] input').fill('16, 0');
    await w.page.locator('[data-test=param-learningRate] input').fill('-0.1');
    await w.page.locator('[data-test=param-optimizer] input').fill('adamw');
    await w.page.locator('[data-test=param-epochs] input').fill('ten');
    const sent = previews();
    await w.page.locator('[data-test=param-batchSize]').getByText('batch size must be at least 1').waitFor();
    await w.page.locator('[data-test=param-learningRate]').getByText('learning rate must be greater than 0').waitFor();
    await w.page.locator('[data-test=param-optimizer]').getByText(/adamw/).waitFor();
    await w.page.locator('[data-test=param-epochs]').getByText(/"ten" is not a number/).waitFor();
    await w.page.getByText('give the experiment a name').waitFor();
    expect(await w.page.locator('[data-test=run]').isDisabled()).toBe(true);
    expect(await w.page.locator('[data-test=run-blocked]').innerText()).toBe('Fix the 5 problems marked in red.');
    await w.page.waitForTimeout(800);
    expect(previews()).toBe(sent);
    await shot(w.page, 'new-experiment-errors');
  });

  it('the navbar’s New experiment starts a fresh form after a copied spec', async () => {
    const w = await visit('/new?from=2');
    await expect.poll(async () => w.page.locator('[data-test=name] input').inputValue(), { timeout: 15_000 }).toBe('Stopped grid (copy)');
    await w.page.locator('[data-test=nav-new]').click();
    await expect.poll(async () => w.page.locator('[data-test=name] input').inputValue(), { timeout: 15_000 }).toMatch(/^Experiment \d{4}-/);
    expect(await w.page.locator('[data-test=param-batchSize] input').inputValue()).toBe('32');
    expect(w.page.url()).toMatch(/#\/new$/);
  });

  it('CNN fields say what blank trains with', async () => {
    const w = await visit('/new');
    await w.page.getByText('CNN', { exact: true }).click();
    expect(await w.page.locator('[data-test=param-filters] input').getAttribute('placeholder')).toBe('blank = 8');
    expect(await w.page.locator('[data-test=param-kernelSize] input').getAttribute('placeholder')).toBe('blank = 3');
    expect(await w.page.locator('[data-test=param-pooling] input').getAttribute('placeholder')).toBe('blank = max');
  });
});

describe('dark mode and shortcuts', () => {
  it('follows the OS dark scheme for the page, naive-ui and the charts', async () => {
    const w = await visit('/experiments/1', 'dark');
    await w.page.locator('[data-test=run-table]').waitFor();
    expect(await w.page.evaluate(() => (globalThis as unknown as { document: { documentElement: { dataset: { theme?: string } } } }).document.documentElement.dataset.theme)).toBe('dark');
    const bg = await w.page.evaluate(() => {
      const g = globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string }; document: { body: unknown } };
      return g.getComputedStyle(g.document.body).backgroundColor;
    });
    expect(bg).toBe('rgb(16, 16, 20)');
    await w.page.waitForTimeout(500);
    await shot(w.page, 'dark-experiment');
    const run = await visit('/runs/2', 'dark');
    await run.page.locator('[data-test=run-outcome]').waitFor();
    await run.page.waitForTimeout(500);
    await shot(run.page, 'dark-run');
  });

  it('opens the help with ?, a fresh form with n, the list with l, and focuses the filter with /', async () => {
    const w = await visit('/experiments/1');
    await w.page.locator('[data-test=run-table]').waitFor();
    await w.page.keyboard.press('?');
    await w.page.locator('[data-test=help]').getByText('Keyboard shortcuts').waitFor();
    await shot(w.page, 'help-overlay', false);
    await w.page.keyboard.press('Escape');
    await expect.poll(() => w.page.locator('[data-test=help]').count(), { timeout: 10_000 }).toBe(0);
    await w.page.keyboard.press('/');
    await expect.poll(() => w.page.evaluate(() => (globalThis as unknown as { document: { activeElement: { closest(s: string): unknown } | null } }).document.activeElement?.closest('[data-test=run-filter]') !== null), { timeout: 10_000 }).toBe(true);
    // Typing in the filter is not a shortcut; Escape leaves it.
    await w.page.keyboard.type('n');
    expect(w.page.url()).toMatch(/#\/experiments\/1$/);
    await w.page.keyboard.press('Escape');
    // Hash routes: the URL changes without a page load, so poll it.
    const url = () => w.page.url();
    await w.page.keyboard.press('c');
    // Compare writes its run selection into the URL once loaded; wait for it, or that replace would cancel `l`.
    await expect.poll(url, { timeout: 15_000 }).toMatch(/#\/experiments\/1\/compare\?runs=/);
    await w.page.keyboard.press('l');
    await expect.poll(url, { timeout: 15_000 }).toMatch(/#\/$/);
    await w.page.keyboard.press('n');
    await expect.poll(url, { timeout: 15_000 }).toMatch(/#\/new$/);
  });
});
