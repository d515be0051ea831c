import { describe, expect, it } from 'vitest';
import {
  formatParamScalar, paramByName, paramsLabel, runDisplayId, runLabel, trialNumber, varyingParams, type TrialParams,
} from '../../src-main/contract';

const base: TrialParams = { learningRate: 0.01, batchSize: 32, epochs: 5, optimizer: 'adam', schedule: 'constant', weightDecay: 0, seed: 1 };

describe('param labels', () => {
  it('names a run by its one visible id, with the 1-based trial and its experiment', () => {
    const run = { id: 16, index: 0, experimentId: 3, params: base };
    expect(runDisplayId(run)).toBe('run 16 · trial 1 of experiment 3');
    expect(trialNumber(run)).toBe(1);
    expect(runLabel(run, [])).toBe('run 16');
    expect(runLabel(run, ['batchSize', 'learningRate'])).toBe('bs=32 · lr=0.01');
  });

  it('finds the varying parameters, ignoring runs that lack one (an MLP next to a CNN)', () => {
    const runs = [{ params: base }, { params: { ...base, batchSize: 64 } }, { params: { ...base, filters: 8 } }];
    expect(varyingParams(runs)).toEqual(['batchSize']);
    expect(varyingParams([{ params: base }])).toEqual([]);
    expect(varyingParams([{ params: { ...base, filters: 8 } }, { params: { ...base, filters: 16 } }])).toEqual(['filters']);
  });

  it('formats values: whole numbers exactly, others to 6 digits, tiny ones as exponents', () => {
    expect(formatParamScalar(2147483647)).toBe('2147483647');
    expect(formatParamScalar(0.1 + 0.2)).toBe('0.3');
    expect(formatParamScalar(1e-5)).toBe('1e-5');
    expect(formatParamScalar('adam')).toBe('adam');
    expect(formatParamScalar(undefined)).toBe('—');
    expect(paramsLabel({ ...base, learningRate: 0.0001 }, ['learningRate', 'optimizer'])).toBe('lr=1e-4 · opt=adam');
  });

  it('reads a parameter by spec name or short label, any case', () => {
    expect(paramByName('batchSize')).toBe('batchSize');
    expect(paramByName('BS')).toBe('batchSize');
    expect(paramByName(' lr ')).toBe('learningRate');
    expect(paramByName('nope')).toBeNull();
  });
});
