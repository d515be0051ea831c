import { describe, expect, it } from 'vitest';
import { defaultSelection, defaultState, parseState, sameState, stateToQuery, DEFAULT_STATE } from '../../../src-renderer/src/compare/state';
import { makeRun } from '../fixtures';

describe('Compare state in the URL', () => {
  it('writes only the runs and what differs from the defaults, and reads it back', () => {
    expect(stateToQuery({ ...defaultState(), runs: [3, 4, 51] })).toEqual({ runs: '3,4,51' });
    const state = {
      ...defaultState(), runs: [3, 4], groupBy: 'batchSize' as const, lines: 'best' as const, splitBy: 'seed' as const, xAxis: 'samples' as const,
      logY: true, bands: false, smoothing: 0.25, iterationSmoothing: 0, panels: ['curves' as const, 'table' as const], heatX: 'learningRate' as const,
    };
    const query = stateToQuery(state);
    expect(query).toEqual({ runs: '3,4', group: 'batchSize', lines: 'best', split: 'seed', x: 'samples', log: '1', bands: '0', smooth: '0.25', ismooth: '0', panels: 'curves,table', hx: 'learningRate' });
    const back = parseState(query);
    expect(back.issues).toEqual([]);
    expect(sameState(back.state, state)).toBe(true);
    expect(back.given.has('runs')).toBe(true);
    expect(back.given.has('metric')).toBe(false);
  });

  it('keeps defaults for absent keys and ignores unknown ones', () => {
    const { state, issues } = parseState({ foo: 'bar' });
    expect(issues).toEqual([]);
    expect(sameState(state, { ...DEFAULT_STATE, runs: [], panels: [...DEFAULT_STATE.panels] })).toBe(true);
  });

  it('reports each value it cannot read, naming the key, and keeps the default for it', () => {
    const { state, issues } = parseState({ runs: '3,x,-1', group: 'colour', x: 'minutes', log: 'yes', smooth: '1.5', panels: 'curves,pie', hx: 'nope' });
    expect(issues.map((i) => i.key)).toEqual(['runs', 'group', 'x', 'log', 'smooth', 'panels', 'hx']);
    expect(issues[0].message).toBe('runs must be run ids like 3,4,9 (not x, -1)');
    expect(issues[4].message).toBe('smooth must be a number from 0 to 0.99');
    expect(state.groupBy).toBe('config');
    expect(state.xAxis).toBe('epoch');
    // What can be read of a list is kept: the run ids that are ids.
    expect(state.runs).toEqual([3]);
  });

  it('takes the last of repeated keys, and dedupes run ids keeping their order', () => {
    expect(parseState({ runs: ['1,2', '5,4,5'] }).state.runs).toEqual([5, 4]);
    expect(parseState({ split: '' }).state.splitBy).toBeNull();
  });

  it('selects the runs of an experiment that have trained when the URL names none', () => {
    expect(defaultSelection([makeRun(1), makeRun(2, {}, { stepsDone: 0, epochsDone: 0, status: 'queued' })])).toEqual([1]);
  });
});
