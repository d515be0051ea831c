import { describe, expect, it } from 'vitest';
import { parseRunFilter } from '../../../src-renderer/src/lib/run-filter';
import { runRow } from '../../../src-renderer/src/lib/run-table';
import { makeRun } from '../fixtures';

// A 3 × 2 grid of batch size × learning rate, plus one run with another optimizer.
const runs = [
  ...[16, 32, 64].flatMap((batchSize, i) =>
    [0.001, 0.01].map((learningRate, j) =>
      makeRun(1 + i * 2 + j, { batchSize, learningRate }, { bestValLoss: 0.1 * (1 + i + j), bestEpoch: 2 + j, tags: j === 0 ? ['slow'] : [] }),
    ),
  ),
  makeRun(7, { batchSize: 32, learningRate: 0.1, optimizer: 'sgd' }, { status: 'diverged', endReason: 'loss became NaN at step 3', bestValLoss: null }),
];
const rows = runs.map((r) => runRow(r, ['batchSize', 'learningRate', 'optimizer']));

function ids(text: string): number[] {
  const parsed = parseRunFilter(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return rows.filter(parsed.test).map((r) => r.id);
}
function error(text: string): string {
  const parsed = parseRunFilter(text);
  if (parsed.ok) throw new Error(`“${text}” was accepted`);
  return parsed.message;
}

describe('parseRunFilter', () => {
  it('compares hyperparameters by spec name or short label, numerically', () => {
    expect(ids('batchSize=32')).toEqual([3, 4, 7]);
    expect(ids('bs=32')).toEqual([3, 4, 7]);
    expect(ids('BS = 32')).toEqual([3, 4, 7]);
    expect(ids('lr<0.01')).toEqual([1, 3, 5]);
    expect(ids('lr<=0.01 bs>16')).toEqual([3, 4, 5, 6]);
    expect(ids('lr=1e-3')).toEqual([1, 3, 5]);
    expect(ids('lr!=0.001')).toEqual([2, 4, 6, 7]);
    expect(ids('bs>=64')).toEqual([5, 6]);
    expect(ids('opt=SGD')).toEqual([7]);
    expect(ids('optimizer!=sgd')).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('compares results; a run without the value never matches', () => {
    expect(ids('bestValLoss<0.25')).toEqual([1, 2, 3]);
    expect(ids('bestEpoch=3')).toEqual([2, 4, 6]);
    expect(ids('trial<=2')).toEqual([1, 2]);
    expect(ids('run=7')).toEqual([7]);
    expect(ids('bestValLoss>0')).not.toContain(7);
  });

  it('finds tags, statuses and free text (quoted phrases too), and negates with a leading -', () => {
    expect(ids('tag:slow')).toEqual([1, 3, 5]);
    expect(ids('tag: SLOW')).toEqual([1, 3, 5]);
    expect(ids('-tag:slow')).toEqual([2, 4, 6, 7]);
    expect(ids('status:diverged')).toEqual([7]);
    expect(ids('diverged')).toEqual([7]);
    expect(ids('"became nan"')).toEqual([7]);
    expect(ids('-diverged bs=32')).toEqual([3, 4]);
    expect(ids('')).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(ids('#slow')).toEqual([1, 3, 5]);
  });

  it('says what is wrong with a filter it cannot read, naming the term', () => {
    expect(error('foo=3')).toMatch(/^foo=3: no field “foo” \(try lr, bs, /);
    expect(error('lr<abc')).toBe('lr<abc: “abc” is not a number');
    expect(error('bs=')).toBe('bs=: give a value after =');
    expect(error('opt<adam')).toBe('opt<adam: optimizer is a choice; use = or !=');
    expect(error('tag:')).toBe('tag:: give a tag after the colon');
    expect(error('status:done')).toMatch(/^status:done: no status “done” \(one of queued, running, completed/);
    expect(error('"unclosed')).toBe('a quote is not closed');
    expect(error('<0.1')).toBe('<0.1: name a field before < (e.g. bs<0.1)');
  });
});
