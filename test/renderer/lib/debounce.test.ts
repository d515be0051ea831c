import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { debounce } from '../../../src-renderer/src/lib/debounce';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('debounce', () => {
  it('runs once after the last call of a burst', () => {
    const fn = vi.fn();
    const d = debounce(fn, 100);
    d.schedule();
    vi.advanceTimersByTime(60);
    d.schedule();
    vi.advanceTimersByTime(60);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(50);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('still runs every maxWait under a steady stream of calls', () => {
    const fn = vi.fn();
    const d = debounce(fn, 100, 1000);
    for (let t = 0; t < 2500; t += 50) {
      d.schedule();
      vi.advanceTimersByTime(50);
    }
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('can be cancelled or flushed', () => {
    const fn = vi.fn();
    const d = debounce(fn, 100);
    d.schedule();
    d.cancel();
    vi.advanceTimersByTime(500);
    expect(fn).not.toHaveBeenCalled();
    d.schedule();
    expect(d.pending).toBe(true);
    d.flush();
    expect(fn).toHaveBeenCalledTimes(1);
    expect(d.pending).toBe(false);
    d.flush();
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
