// The interrupt policy of long commands (docs/reliability.md E5), with a fake process: the first signal cancels
// and lets the command finish, a second one forces the exit after the flush timeout without leaving a run running.
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { FORCED_EXIT_REASON, InterruptedError, runInterruptibly, type InterruptDeps } from '../../src-main/cli/interrupt';
import { experimentProgress, type EpochlabEvent } from '../../src-main/contract';

function fakeServices(activeRunIds: number[] = [1, 2]) {
  const cancelled: number[] = [];
  const listeners = new Set<(event: EpochlabEvent) => void>();
  return {
    cancelled,
    listeners,
    subscribe(listener: (event: EpochlabEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    closed: 0,
    abandoned: [] as string[],
    runner: {
      activeRunIds: () => activeRunIds,
      cancelRun: (id: number) => cancelled.push(id) > 0,
    } as never,
    async close() {
      this.closed++;
    },
    abandon(reason: string) {
      this.abandoned.push(reason);
    },
  };
}

function fakeDeps(forceAfterMs = 50) {
  const signals = new EventEmitter();
  const exits: number[] = [];
  const lines: string[] = [];
  const deps: InterruptDeps = {
    signals: signals as unknown as InterruptDeps['signals'],
    exit: (code) => exits.push(code),
    log: (line) => lines.push(line),
    forceAfterMs,
  };
  return { deps, signals, exits, lines };
}

describe('runInterruptibly', () => {
  it('without a signal returns what the command returned, closes the services and removes its handlers', async () => {
    const services = fakeServices();
    const { deps, signals } = fakeDeps();
    await expect(runInterruptibly(services, async () => 'done', deps)).resolves.toBe('done');
    expect(services.closed).toBe(1);
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('on Ctrl-C cancels every trial, lets the command finish, closes, and exits 130', async () => {
    const services = fakeServices([4, 5, 6]);
    const { deps, signals, lines } = fakeDeps();
    let finishedPrinting = false;
    const outcome = runInterruptibly(services, async (stopping) => {
      setTimeout(() => signals.emit('SIGINT'), 5);
      await stopping;
      finishedPrinting = true;
      return 'table';
    }, deps);
    await expect(outcome).rejects.toBeInstanceOf(InterruptedError);
    await outcome.catch((e: InterruptedError) => expect(e.exitCode).toBe(130));
    expect(finishedPrinting).toBe(true);
    expect(services.cancelled).toEqual([4, 5, 6]);
    expect(services.closed).toBe(1);
    expect(services.abandoned).toEqual([]);
    expect(lines[0]).toMatch(/^stopping: cancelling 3 trial\(s\)/);
  });

  it('cancels trials queued after the signal (Ctrl-C while the experiment was being created)', async () => {
    const active: number[] = [];
    const services = fakeServices(active);
    const { deps, signals } = fakeDeps();
    const outcome = runInterruptibly(services, async () => {
      signals.emit('SIGINT'); // nothing is training yet
      expect(services.cancelled).toEqual([]);
      active.push(7, 8); // the experiment's runs are queued, and the runner says so
      for (const listener of services.listeners) listener({ type: 'experiment-status', experimentId: 1, status: 'running', progress: experimentProgress({}) });
      await new Promise((r) => setImmediate(r));
      expect(services.cancelled).toEqual([7, 8]);
    }, deps);
    await expect(outcome).rejects.toBeInstanceOf(InterruptedError);
    expect(services.listeners.size).toBe(0);
  });

  it('exits 143 on SIGTERM', async () => {
    const { deps, signals } = fakeDeps();
    const outcome = runInterruptibly(fakeServices(), async (stopping) => {
      setTimeout(() => signals.emit('SIGTERM'), 5);
      await stopping;
    }, deps);
    await outcome.catch((e: InterruptedError) => expect(e.exitCode).toBe(143));
    await expect(outcome).rejects.toBeInstanceOf(InterruptedError);
  });

  it('a second Ctrl-C waits for the flush timeout, then marks running trials cancelled and exits 130 at once', async () => {
    vi.useFakeTimers();
    try {
      const services = fakeServices();
      const { deps, signals, exits, lines } = fakeDeps(5000);
      void runInterruptibly(services, () => new Promise(() => undefined), deps); // a command whose trials never end
      signals.emit('SIGINT');
      signals.emit('SIGINT');
      signals.emit('SIGINT'); // a third press changes nothing
      await vi.advanceTimersByTimeAsync(4900);
      expect(exits).toEqual([]);
      await vi.advanceTimersByTimeAsync(200);
      expect(services.abandoned).toEqual([FORCED_EXIT_REASON]);
      expect(exits).toEqual([130]);
      expect(lines.some((l) => /waiting at most 5 s/.test(l))).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a second Ctrl-C does not force anything when the flush ends in time', async () => {
    const services = fakeServices();
    const { deps, signals, exits } = fakeDeps(200);
    const outcome = runInterruptibly(services, async (stopping) => {
      await stopping;
      signals.emit('SIGINT');
      await new Promise((r) => setTimeout(r, 20));
    }, deps);
    setTimeout(() => signals.emit('SIGINT'), 5);
    await expect(outcome).rejects.toBeInstanceOf(InterruptedError);
    await new Promise((r) => setTimeout(r, 300));
    expect(exits).toEqual([]);
    expect(services.abandoned).toEqual([]);
  });
});
