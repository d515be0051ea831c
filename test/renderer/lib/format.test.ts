import { describe, expect, it } from 'vitest';
import { formatCount, formatDuration, formatNumber } from '../../../src-renderer/src/lib/format';

describe('format', () => {
  it('formats numbers compactly and missing ones as a dash', () => {
    expect(formatNumber(0.123456)).toBe('0.1235');
    expect(formatNumber(0.00001234)).toBe('1.23e-5');
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(Number.NaN)).toBe('—');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('∞');
    expect(formatCount(1234567)).toBe('1,234,567');
  });
  it('formats durations for ETAs', () => {
    expect(formatDuration(4.25)).toBe('4.3 s');
    expect(formatDuration(75)).toBe('1 m 15 s');
    expect(formatDuration(7260)).toBe('2 h 01 m');
    expect(formatDuration(null)).toBe('—');
  });
});
