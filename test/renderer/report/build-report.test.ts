import { describe, expect, it } from 'vitest';
import { buildReport, REPORT_CSP } from '../../../src-renderer/src/report/build-report';
import { defaultState } from '../../../src-renderer/src/compare/state';
import { experimentProgress, experimentSpecSchema, type ExperimentWithSpec, type SeriesPoint } from '../../../src-renderer/src/contract';
import { makeEpochs, makeRun } from '../fixtures';

const XSS = '<img src=x onerror=alert(1)>';
const experiment = (id: number, name: string): ExperimentWithSpec => ({
  id, name, notes: XSS, tags: [], progress: experimentProgress({ completed: { runs: 4, planned: 40, done: 40 } }), status: 'finished', createdAt: '2026-01-01T00:00:00.000Z', datasetId: 'spiral', template: 'mlp', trialCount: 4,
  counts: { completed: 4 }, bestValLoss: null, bestRunId: null,
  spec: experimentSpecSchema.parse({ name, notes: XSS, dataset: { id: 'spiral' }, model: { template: 'mlp' }, params: { batchSize: [16, 64], seed: [1, 2] } }),
});
const runs = [16, 64].flatMap((batchSize, b) => [1, 2].map((seed, s) => makeRun(1 + 2 * b + s, { batchSize, seed }, { bestEpoch: 3, bestValLoss: 0.5 + b / 10 + s / 100 })));
const foreign = makeRun(9, { batchSize: 16, seed: 1 }, { experimentId: 2, bestEpoch: 2, bestValLoss: 0.4, status: 'early-stopped', epochsDone: 2 });
const epochs = Object.fromEntries([...runs, foreign].map((r, i) => [r.id, makeEpochs(r, [1.2 - i / 50, 0.7, 0.6 + i / 100, 0.62].slice(0, r.epochsDone))]));
const iterations: Record<number, SeriesPoint[]> = Object.fromEntries([...runs, foreign].map((r) => [r.id, Array.from({ length: 40 }, (_, i) => ({ step: i + 1, epoch: 1 + Math.floor(i / 11), value: 2 / (i + 1), elapsedMs: i * 10, samplesSeen: (i + 1) * 100 }))]));

function report(state = { ...defaultState(), runs: [...runs, foreign].map((r) => r.id) }) {
  return buildReport({
    experiments: [experiment(1, XSS), experiment(2, 'second <grid>')], runs: [...runs, foreign], epochs, iterations, state,
    generatedAt: '2026-02-03T04:05:06.000Z', generator: 'Epochlab 0.1.0',
  });
}

describe('buildReport', () => {
  const html = report();

  it('is one self-contained page that can load nothing and run nothing', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`);
    expect(REPORT_CSP).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script|<link|<iframe|<img|javascript:/i);
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/url\((?!#)/);
  });

  it('holds one SVG per Compare chart, rendered from the options the view draws', () => {
    const sections = [...html.matchAll(/<section class="chart" data-chart="(\w+)">([\s\S]*?)<\/section>/g)];
    expect(sections.map((m) => m[1])).toEqual(['curves', 'iterations', 'gap', 'heatmap', 'parallel']);
    const svgs = sections.map((m) => (m[2].match(/<svg\b/g) ?? []).length);
    // The heatmap has nothing to draw (only the batch size varies, besides the seed): it says why instead.
    expect(svgs).toEqual([1, 1, 1, 0, 1]);
    expect(sections[3][2]).toContain('A heatmap needs two different hyperparameters');
    expect((html.match(/<svg\b/g) ?? []).length).toBe(4);
  });

  it('escapes every piece of user text, in the page and inside the SVG', () => {
    expect(html).not.toContain(XSS);
    expect(html).not.toContain('<grid>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('second &lt;grid&gt;');
  });

  it('states the answer, the run table with experiments, and each experiment’s spec', () => {
    expect(html).toMatch(/<p class="answer" id="answer">Lowest validation loss: <b>second &lt;grid&gt; · bs=16 · seed=1<\/b>/);
    expect(html).toContain('<td>run 9</td>');
    expect(html).toContain('<td>epoch 2</td>');
    expect(html).toContain('Spec of experiment 2: second &lt;grid&gt;');
    expect(html).toContain('&quot;batchSize&quot;');
    expect(html).toContain('Compare settings: runs=1,2,3,4,9');
  });

  it('leaves out the panels the state hides', () => {
    const only = report({ ...defaultState(), runs: runs.map((r) => r.id), panels: ['curves'] });
    expect([...only.matchAll(/data-chart="(\w+)"/g)].map((m) => m[1])).toEqual(['curves']);
    expect(only).not.toContain('Best epoch per group');
  });
});
