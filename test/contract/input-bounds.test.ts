import { describe, expect, it } from 'vitest';
import { INPUT_BOUNDS, inputBoundsIssue, jsonTextIssue } from '../../src-main/contract/input-bounds';
import { ApiError, MAX_LIST_LENGTH, parseApiInput } from '../../src-main/contract';

const list = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
/** The largest input a real caller sends: every numeric field a full list. */
const largestRealSpec = {
  name: 'n'.repeat(200), notes: 'x'.repeat(10_000), dataset: { id: 'moons' }, model: { template: 'cnn' },
  search: { method: 'random', trials: 1 },
  params: { learningRate: list(MAX_LIST_LENGTH).map((i) => i / 1000), batchSize: list(MAX_LIST_LENGTH), epochs: list(MAX_LIST_LENGTH), weightDecay: list(MAX_LIST_LENGTH).map((i) => i / 1000), filters: list(MAX_LIST_LENGTH).map((i) => i), seed: [1] },
};

describe('input bounds', () => {
  it('let the largest real input through', () => {
    expect(inputBoundsIssue({ spec: largestRealSpec })).toBeNull();
    expect(jsonTextIssue(JSON.stringify({ spec: largestRealSpec }))).toBeNull();
  });

  it('name the place where an input goes past a bound', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = { a: deep };
    expect(inputBoundsIssue({ spec: { params: deep } })?.path).toMatch(/^spec\.params(\.a)+$/);
    expect(inputBoundsIssue({ spec: { name: 'x'.repeat(200_000) } })).toEqual({ path: 'spec.name', message: 'text longer than 100000 characters' });
    expect(inputBoundsIssue({ runIds: list(5000) })).toEqual({ path: 'runIds', message: 'a list of 5000 values; at most 1000' });
    expect(inputBoundsIssue({ spec: { params: Object.fromEntries(list(300).map((i) => [`k${i}`, i])) } })).toEqual({ path: 'spec.params', message: '300 keys; at most 200' });
    expect(inputBoundsIssue({ [`k${'y'.repeat(300)}`]: 1 })).toEqual({ path: '(root)', message: 'a key longer than 200 characters' });
    const wide = { a: list(1000).map(() => list(30)) };
    expect(inputBoundsIssue(wide)?.message).toBe(`the input holds more than ${INPUT_BOUNDS.maxNodes} values`);
  });

  it('are checked before the schema, at every method', () => {
    const error = (() => {
      try {
        parseApiInput('getEpochMetrics', { runIds: list(1_000_000) });
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).issues).toEqual([{ path: 'runIds', message: 'a list of 1000000 values; at most 1000' }]);
  });
});

describe('JSON text scan', () => {
  it('finds depth and weight without parsing, and is not fooled by brackets and commas inside strings', () => {
    expect(jsonTextIssue(`${'['.repeat(33)}${']'.repeat(33)}`)).toBe('nested more than 32 levels deep');
    expect(jsonTextIssue(`${'['.repeat(32)}${']'.repeat(32)}`)).toBeNull();
    expect(jsonTextIssue(JSON.stringify({ name: '['.repeat(1000) + ','.repeat(30_000) + '\\"[' }))).toBeNull();
    expect(jsonTextIssue(JSON.stringify(list(30_000)))).toBe(`holds more than ${INPUT_BOUNDS.maxNodes} values`);
  });
});
