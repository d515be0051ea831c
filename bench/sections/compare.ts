/**
 * Compare view (issue 7, item 13) with 100 runs × 10,000 iterations:
 *   - the chart builders in Node: the curves, per-iteration, gap charts and best-epoch table for the default
 *     grouping (seed means) and for "each run", and the report's SVG rendering;
 *   - the built UI in Chromium (against the UI tests' mock API): bytes fetched when the view opens, and
 *     what switching to "each run" does to the page — time until every chart shows it, the longest task
 *     (Performance API, long tasks) and their ratio.
 * Target: the longest task ≤ 0.5 × the time until every chart is drawn, i.e. the work runs in pieces and
 * the page answers between them (a ratio, so it holds on a busy machine as on a quiet one).
 *
 * Args: --repeats 5  --no-browser
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeRunSet } from '../../src-renderer/src/charts/run-set';
import { bestEpochTable } from '../../src-renderer/src/charts/best-epoch';
import { iterationBudget } from '../../src-renderer/src/charts/compare';
import { renderSvg, SVG_WIDTH } from '../../src-renderer/src/charts/svg';
import { curvesChart, gapChart, iterationsChart, type CompareData } from '../../src-renderer/src/compare/charts';
import { defaultState, type CompareState } from '../../src-renderer/src/compare/state';
import { makeExperiment, mockSeries } from '../../test/renderer/ui/mock-data';
import { startMockServer } from '../../test/renderer/ui/mock-server';
import { currentLoad, machineInfo } from '../lib/machine';
import { benchDir } from '../lib/paths';
import type { BenchOptions, Section, SectionResult } from '../lib/section';
import { summarize, type Summary } from '../lib/stats';

const RUNS = 100;
const TASK_RATIO_TARGET = 0.5;

/** 100 runs: 10 learning rates × 10 seeds, 100 epochs of 100 iterations (N = 800, B = 8). */
function bigExperiment() {
  return makeExperiment(50, 'big', '', Array.from({ length: RUNS }, (_, i) => ({ batchSize: 8, epochs: 100, learningRate: 0.001 * (1 + (i % 10)), seed: 1 + Math.floor(i / 10) })), 1000);
}

function timeIt(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

interface BrowserResult {
  fetchedMiB: { epochs: number; iterations: number };
  settleMs: Summary;
  longestTaskMs: Summary;
  ratio: number;
}

async function inBrowser(repeats: number, log: (l: string) => void): Promise<BrowserResult | string> {
  const renderer = join(benchDir(), '..', 'out', 'renderer');
  const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(join(renderer, 'index.html'))) return 'skipped: no built UI in out/renderer (npm run build)';
  if (!existsSync(chromium)) return `skipped: no Chromium at ${chromium}`;
  const { chromium: playwright } = await import('playwright-core');
  const server = await startMockServer(renderer);
  server.add(bigExperiment());
  const browser = await playwright.launch({ executablePath: chromium, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  const settles: number[] = [];
  const longest: number[] = [];
  let fetched = { epochs: 0, iterations: 0 };
  try {
    for (let i = 0; i < repeats; i++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(`${server.url}#/experiments/50/compare`);
      await page.locator('[data-test=compare][data-busy=false] [data-test=panel-iterations] [data-test=echart]').waitFor({ timeout: 120_000 });
      await page.locator('[data-test=compare][data-busy=false]').waitFor({ timeout: 120_000 });
      type Globals = { __longest: number; performance: { getEntriesByType(t: string): Array<{ name: string; encodedBodySize: number }> }; PerformanceObserver: new (cb: (l: { getEntries(): Array<{ duration: number }> }) => void) => { observe(o: object): void } };
      fetched = await page.evaluate(() => {
        const g = globalThis as unknown as Globals;
        const size = (method: string) => g.performance.getEntriesByType('resource').filter((e) => e.name.endsWith(`/api/${method}`)).reduce((a, e) => a + e.encodedBodySize, 0) / 2 ** 20;
        return { epochs: size('getEpochMetrics'), iterations: size('getIterationSeries') };
      });
      await page.evaluate(() => {
        const g = globalThis as unknown as Globals;
        g.__longest = 0;
        new g.PerformanceObserver((list) => {
          for (const e of list.getEntries()) g.__longest = Math.max(g.__longest, e.duration);
        }).observe({ type: 'longtask', buffered: false });
      });
      await page.locator('[data-test=group-by]').click();
      const option = page.locator('.n-base-select-option', { hasText: 'each run' });
      await option.waitFor();
      const t0 = Date.now();
      await option.click();
      await page.locator('[data-test=compare][data-busy=true]').waitFor({ timeout: 10_000 }).catch(() => undefined);
      await page.locator('[data-test=compare][data-busy=false]').waitFor({ timeout: 120_000 });
      settles.push(Date.now() - t0);
      longest.push(await page.evaluate(() => (globalThis as unknown as Globals).__longest));
      log(`   browser ${i + 1}/${repeats}: every chart drawn after ${settles.at(-1)} ms, longest task ${Math.round(longest.at(-1)!)} ms`);
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const settleMs = summarize(settles);
  const longestTaskMs = summarize(longest);
  return { fetchedMiB: fetched, settleMs, longestTaskMs, ratio: longestTaskMs.median / settleMs.median };
}

export const compareSection: Section = {
  id: 'compare',
  title: 'Compare view: chart builders and the page with 100 runs × 10,000 iterations',
  async run(options: BenchOptions): Promise<SectionResult> {
    const machine = machineInfo();
    const repeats = Number(options.args.repeats ?? (options.quick ? 2 : 5));
    const big = bigExperiment();
    const set = makeRunSet(big.detail.runs);
    const data: CompareData = {
      set,
      epochs: Object.fromEntries(big.runs.map((r) => [r.summary.id, r.epochs])),
      iterations: Object.fromEntries(big.runs.map((r) => [r.summary.id, mockSeries(r, iterationBudget(RUNS))])),
    };
    const builders: Record<string, Summary> = {};
    for (const groupBy of ['config', 'run'] as const) {
      const state: CompareState = { ...defaultState(), runs: set.runs.map((r) => r.id), groupBy };
      const times: Record<string, number[]> = { curves: [], iterations: [], gap: [], table: [] };
      for (let i = 0; i <= repeats; i++) {
        const t = {
          curves: timeIt(() => curvesChart(state, data)),
          iterations: timeIt(() => iterationsChart(state, data)),
          gap: timeIt(() => gapChart(state, data)),
          table: timeIt(() => bestEpochTable(set, data.epochs, groupBy)),
        };
        if (i > 0) for (const [k, v] of Object.entries(t)) times[k].push(v); // the first is a warm-up
      }
      for (const [k, v] of Object.entries(times)) builders[`${groupBy === 'run' ? 'each run' : 'seed means'}: ${k}`] = summarize(v);
      options.log(`   builders (${groupBy}) done`);
    }
    const svgTimes: number[] = [];
    const state = { ...defaultState(), runs: set.runs.map((r) => r.id) };
    for (let i = 0; i <= Math.min(repeats, 3); i++) {
      const chart = iterationsChart(state, data);
      const t = timeIt(() => renderSvg(chart.option!, SVG_WIDTH, chart.height));
      if (i > 0) svgTimes.push(t);
    }
    builders['report: per-iteration chart to SVG'] = summarize(svgTimes);

    const browser = options.args['no-browser'] ? 'skipped (--no-browser)' : await inBrowser(Math.min(repeats, 3), options.log);
    const loadEnd = currentLoad();
    const fmt = (s: Summary) => `${s.median.toFixed(0)} (${s.min.toFixed(0)}–${s.max.toFixed(0)})`;
    const lines = [
      '## Compare view, 100 runs × 10,000 iterations',
      '',
      `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; 1-min load ${machine.loadStart} at start, ${loadEnd} at end.`,
      `100 runs (10 learning rates × 10 seeds), 100 epochs of 100 iterations; ${iterationBudget(RUNS)} points per run fetched (LTTB on the server); median (min–max) of ${repeats} after a warm-up.`,
      '',
      '| chart builder (Node) | ms |',
      '|---|---|',
      ...Object.entries(builders).map(([k, v]) => `| ${k} | ${fmt(v)} |`),
      '',
    ];
    if (typeof browser === 'string') lines.push(`Browser: ${browser}.`);
    else {
      lines.push(
        '| in Chromium | value |',
        '|---|---|',
        `| fetched when the view opens: epoch rows / per-iteration series | ${browser.fetchedMiB.epochs.toFixed(1)} / ${browser.fetchedMiB.iterations.toFixed(1)} MiB (each once) |`,
        `| "each run": until every chart is drawn, ms | ${fmt(browser.settleMs)} |`,
        `| "each run": longest task, ms | ${fmt(browser.longestTaskMs)} |`,
        '',
        `Longest task / time until drawn: ${browser.ratio.toFixed(2)} — target ≤ ${TASK_RATIO_TARGET}: ${browser.ratio <= TASK_RATIO_TARGET ? 'met' : 'missed'} (the page answers between the pieces of work).`,
      );
    }
    return {
      json: { machine: { ...machine, loadEnd }, runs: RUNS, pointsPerRun: iterationBudget(RUNS), builders, browser, target: { longestTaskRatio: TASK_RATIO_TARGET } },
      markdown: lines.join('\n'),
    };
  },
};
