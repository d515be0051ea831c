/**
 * Run `fn` once, `ms` after the last schedule() — for previews as the user types and refreshes after event
 * bursts. With `maxWaitMs`, a steady stream of schedules (a trial sending epochs every 100 ms) still runs
 * `fn` at least that often instead of postponing it forever.
 */
export interface Debounced {
  schedule(): void;
  cancel(): void;
  /** Run now if scheduled. */
  flush(): void;
  readonly pending: boolean;
}

export function debounce(fn: () => void, ms: number, maxWaitMs = Infinity): Debounced {
  let handle: ReturnType<typeof setTimeout> | null = null;
  let firstAt: number | null = null;
  const run = () => {
    if (handle !== null) clearTimeout(handle);
    handle = null;
    firstAt = null;
    fn();
  };
  return {
    schedule() {
      const now = Date.now();
      firstAt ??= now;
      if (handle !== null) clearTimeout(handle);
      const wait = Math.max(0, Math.min(ms, firstAt + maxWaitMs - now));
      handle = setTimeout(run, wait);
    },
    cancel() {
      if (handle !== null) clearTimeout(handle);
      handle = null;
      firstAt = null;
    },
    flush() {
      if (handle !== null) run();
    },
    get pending() {
      return handle !== null;
    },
  };
}
