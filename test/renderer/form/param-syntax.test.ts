import { describe, expect, it } from 'vitest';
import { formatParamValue, parseParamText } from '../../../src-renderer/src/form/param-syntax';

const num = { kind: 'number', label: 'Learning rate' } as const;
const int = { kind: 'integer', label: 'Batch size' } as const;
const choice = { kind: 'choice', label: 'Optimizer', choices: ['adam', 'sgd', 'rmsprop'] } as const;

describe('parseParamText', () => {
  it('reads one value, a list and a bracketed list', () => {
    expect(parseParamText('0.1', num)).toEqual({ ok: true, value: 0.1 });
    expect(parseParamText(' 0.1, 0.01 ', num)).toEqual({ ok: true, value: [0.1, 0.01] });
    expect(parseParamText('16 64 256', int)).toEqual({ ok: true, value: [16, 64, 256] });
    expect(parseParamText('[16, 64]', int)).toEqual({ ok: true, value: [16, 64] });
    expect(parseParamText('16,', int)).toEqual({ ok: true, value: [16] });
  });

  it('reads log and linear ranges with the documented spellings', () => {
    expect(parseParamText('1e-4 .. 1e-1 × 4 log', num)).toEqual({ ok: true, value: { from: 1e-4, to: 0.1, steps: 4, scale: 'log' } });
    expect(parseParamText('0.1..0.5 x 5', num)).toEqual({ ok: true, value: { from: 0.1, to: 0.5, steps: 5, scale: 'linear' } });
    expect(parseParamText('16 to 256 * 5 log', int)).toEqual({ ok: true, value: { from: 16, to: 256, steps: 5, scale: 'log' } });
    expect(parseParamText('0.1 … 0.3 × 3 lin', num)).toEqual({ ok: true, value: { from: 0.1, to: 0.3, steps: 3, scale: 'linear' } });
  });

  it('fills in every whole number for an integer range without steps', () => {
    expect(parseParamText('1 .. 5', int)).toEqual({ ok: true, value: { from: 1, to: 5, steps: 5, scale: 'linear' } });
  });

  it('reads a range without steps as a continuous range (random search samples it; a grid asks for steps)', () => {
    expect(parseParamText('1e-4 .. 1e-1 log', num)).toEqual({ ok: true, value: { from: 1e-4, to: 0.1, scale: 'log' } });
    expect(parseParamText('0 .. 0.1', num)).toEqual({ ok: true, value: { from: 0, to: 0.1, scale: 'linear' } });
    expect(parseParamText('16 .. 4096 log', int)).toEqual({ ok: true, value: { from: 16, to: 4096, scale: 'log' } });
    expect(parseParamText('1 .. 100000', int)).toEqual({ ok: true, value: { from: 1, to: 100000, scale: 'linear' } });
  });

  it('explains what is wrong', () => {
    const bad = (text: string, opts: Parameters<typeof parseParamText>[1] = num) => {
      const r = parseParamText(text, opts);
      expect(r.ok).toBe(false);
      return r.ok ? '' : r.message;
    };
    expect(bad('')).toMatch(/give a value/);
    expect(bad('abc')).toMatch(/"abc" is not a number/);
    expect(bad('0x10')).toMatch(/not a number/);
    expect(bad('2.5', int)).toMatch(/batch size must be a whole number/);
    expect(bad('16, 64, 16', int)).toMatch(/16 is listed more than once/);
    expect(bad('adam, sgd, adam', choice)).toMatch(/adam is listed more than once/);
    expect(bad('10 .. 12 × 5', int)).toMatch(/repeat whole numbers/);
    expect(bad('0 .. 1 × 4 log')).toMatch(/log range/);
    expect(bad('0.1 .. 1 × 2.5')).toMatch(/whole number/);
    expect(bad('1 .. 2 × 0')).toMatch(/at least 1/);
    expect(bad('1 .. 2 × 5000')).toMatch(/at most/);
    expect(bad('1e999')).toMatch(/too large/);
    expect(bad('adam, nope', choice)).toMatch(/"nope" is not one of: adam, sgd, rmsprop/);
    expect(bad('0.1 ..')).toMatch(/range/);
  });

  it('reads choices case-insensitively', () => {
    expect(parseParamText('Adam', choice)).toEqual({ ok: true, value: 'adam' });
    expect(parseParamText('adam, sgd', choice)).toEqual({ ok: true, value: ['adam', 'sgd'] });
  });
});

describe('formatParamValue', () => {
  it('round-trips values, lists and ranges', () => {
    for (const [text, opts] of [
      ['0.01', num],
      ['16, 64, 256', int],
      ['0.0001 .. 0.1 × 4 log', num],
      ['1 .. 5 × 5', int],
      ['0.0001 .. 0.1 log', num],
      ['adam, sgd', choice],
    ] as const) {
      const parsed = parseParamText(text, opts);
      expect(parsed.ok).toBe(true);
      if (parsed.ok) expect(parseParamText(formatParamValue(parsed.value), opts)).toEqual(parsed);
    }
  });
  it('gives an empty field for shapes it does not know', () => {
    expect(formatParamValue({ nope: 1 })).toBe('');
    expect(formatParamValue(undefined)).toBe('');
  });
});
