import { describe, expect, it } from 'vitest';
import { configurations, legendGroups, splitRuns } from '../../../src-renderer/src/charts/groups';
import { makeRunSet, runSetLabel } from '../../../src-renderer/src/charts/run-set';
import { shade } from '../../../src-renderer/src/charts/palette';
import { experimentSpecSchema, type RunSummary } from '../../../src-renderer/src/contract';
import { makeRun } from '../fixtures';

/** A batch size × learning rate grid (3 × 2) with 2 seeds: 12 runs, 6 configurations. */
export function gridRuns(experimentId = 1, firstId = 1): RunSummary[] {
  const runs: RunSummary[] = [];
  for (const batchSize of [16, 64, 256]) {
    for (const learningRate of [0.01, 0.1]) {
      for (const seed of [1, 2]) {
        const id = firstId + runs.length;
        // Stored best values: lower for small batches and lr 0.01, a little noise from the seed.
        runs.push(makeRun(id, { batchSize, learningRate, seed }, { experimentId, index: runs.length, bestEpoch: 3, bestValLoss: batchSize / 1000 + learningRate + seed / 100 }));
      }
    }
  }
  return runs;
}

const spec = (name: string) => experimentSpecSchema.parse({ name, dataset: { id: 'spiral' }, model: { template: 'mlp' }, params: { learningRate: { from: 0.01, to: 0.1, steps: 2, scale: 'log' } } });

describe('configurations', () => {
  it('are the runs of one experiment that differ only by seed', () => {
    const set = makeRunSet(gridRuns());
    const configs = configurations(set, set.runs);
    expect(configs).toHaveLength(6);
    for (const c of configs) {
      expect(c).toHaveLength(2);
      expect(new Set(c.map((r) => `${r.params.batchSize}|${r.params.learningRate}`)).size).toBe(1);
      expect(c.map((r) => r.params.seed)).toEqual([1, 2]);
    }
  });

  it('never mix experiments, even with the same hyperparameters', () => {
    const a = makeRun(1, { seed: 1 }, { experimentId: 1 });
    const b = makeRun(2, { seed: 2 }, { experimentId: 2 });
    expect(configurations(makeRunSet([a, b]), [a, b])).toHaveLength(2);
  });
});

describe('legendGroups', () => {
  const set = makeRunSet(gridRuns());

  it('by default (configuration) draws one seed mean per configuration: 6 lines of 2 runs in a 3×2 grid with 2 seeds', () => {
    const groups = legendGroups(set, 'config');
    expect(groups).toHaveLength(6);
    expect(groups.every((g) => g.lines.length === 1 && g.lines[0].runs.length === 2)).toBe(true);
    expect(groups[0].name).toBe('lr=0.01 · bs=16 (mean of 2 seeds)');
    expect(new Set(groups.map((g) => g.color)).size).toBe(6);
  });

  it('grouping by batch size keeps each learning rate its own line in the group colour, and says so', () => {
    const groups = legendGroups(set, 'batchSize');
    expect(groups.map((g) => g.name)).toEqual([
      'bs=16 (2 configurations, seed means)', 'bs=64 (2 configurations, seed means)', 'bs=256 (2 configurations, seed means)',
    ]);
    for (const g of groups) {
      expect(g.lines).toHaveLength(2);
      // Never an average across learning rates: each line holds the seeds of one configuration.
      for (const line of g.lines) expect(new Set(line.runs.map((r) => r.params.learningRate)).size).toBe(1);
      expect(g.lines.map((l) => l.color)).toEqual([shade(g.color, 0, 2), shade(g.color, 1, 2)]);
      expect(g.lines[0].label).toMatch(/^lr=0.01 · bs=\d+ \(mean of 2 seeds\)$/);
    }
  });

  it("or only the group's best configuration, by the runs' stored best values", () => {
    const groups = legendGroups(set, 'batchSize', 'best');
    expect(groups.map((g) => g.lines.length)).toEqual([1, 1, 1]);
    expect(groups.map((g) => g.lines[0].runs[0].params.learningRate)).toEqual([0.01, 0.01, 0.01]);
    expect(groups[0].name).toBe('bs=16 · best: lr=0.01 (mean of 2 seeds)');
  });

  it('each run alone, labelled with what varies', () => {
    const groups = legendGroups(set, 'run');
    expect(groups).toHaveLength(12);
    expect(groups[0].name).toBe('lr=0.01 · bs=16 · seed=1');
  });

  it('names experiments only when runs come from several', () => {
    const two = [...gridRuns(1, 1).slice(0, 2), ...gridRuns(2, 101).slice(0, 2)];
    const cross = makeRunSet(two, [{ id: 1, name: '<b>first</b>', spec: spec('first') }, { id: 2, name: 'second', spec: spec('second') }]);
    expect(runSetLabel(cross, two[0])).toBe('<b>first</b> · seed=1');
    expect(legendGroups(cross, 'config').map((g) => g.name)).toEqual(['<b>first</b> (mean of 2 seeds)', 'second (mean of 2 seeds)']);
    expect(cross.logRanges.has('learningRate')).toBe(true);
    expect(makeRunSet(gridRuns()).experimentNames.size).toBe(0);
  });
});

describe('splitRuns', () => {
  it('makes one panel per value', () => {
    expect(splitRuns(gridRuns(), 'learningRate').map((s) => [s.title, s.runs.length])).toEqual([['lr = 0.01', 6], ['lr = 0.1', 6]]);
    expect(splitRuns(gridRuns(), null)).toHaveLength(1);
  });
});

describe('shade', () => {
  it('keeps a colour for one line and spreads darker to lighter for several', () => {
    expect(shade('#2f6fde', 0, 1)).toBe('#2f6fde');
    const shades = [0, 1, 2].map((j) => shade('#2f6fde', j, 3));
    expect(new Set(shades).size).toBe(3);
    expect(shades.every((c) => /^#[0-9a-f]{6}$/.test(c))).toBe(true);
  });
});
