/**
 * Test-only crashes, to prove that a trainer dying mid-trial fails only its trial (docs/reliability.md F2,
 * F5). Armed only by the EPOCHLAB_TEST_CRASH environment variable — `<runId>:<mode>[,<runId>:<mode>…]` —
 * never by anything in a spec or an API call. The trainer crashes right after it has sent the run's first
 * iteration rows, i.e. mid-trial.
 */
export const TEST_CRASH_ENV = 'EPOCHLAB_TEST_CRASH';

export const CRASH_MODES = ['segv', 'abort', 'exit137', 'kill', 'heap', 'throw'] as const;
export type CrashMode = (typeof CRASH_MODES)[number];

export function crashPlan(value: string | undefined): Map<number, CrashMode> {
  const plan = new Map<number, CrashMode>();
  for (const entry of (value ?? '').split(',').filter(Boolean)) {
    const [id, mode] = entry.split(':');
    if (!Number.isInteger(Number(id)) || !(CRASH_MODES as readonly string[]).includes(mode)) {
      throw new Error(`${TEST_CRASH_ENV}: "${entry}" is not <runId>:<${CRASH_MODES.join('|')}>`);
    }
    plan.set(Number(id), mode as CrashMode);
  }
  return plan;
}

/** Crashes the way `mode` says; a real crash, not a simulated message. */
export function crash(mode: CrashMode): void {
  switch (mode) {
    case 'segv':
      process.kill(process.pid, 'SIGSEGV');
      break;
    case 'abort':
      process.abort();
      break;
    case 'exit137':
      process.exit(137);
      break;
    case 'kill':
      process.kill(process.pid, 'SIGKILL');
      break;
    case 'heap': {
      // Until V8's heap limit: a thread ends with ERR_WORKER_OUT_OF_MEMORY, a process aborts.
      const hoard: number[][] = [];
      for (;;) hoard.push(Array.from({ length: 1e5 }, (_, i) => i + hoard.length));
    }
    case 'throw':
      // Uncaught, outside the training loop's own try/catch. A microtask, not nextTick: the training loop
      // keeps the microtask queue busy, so a nextTick callback would wait until the trial ended.
      queueMicrotask(() => {
        throw new Error('test crash: an uncaught error in the trainer');
      });
      break;
  }
}
