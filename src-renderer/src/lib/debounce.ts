/** Run `fn` once, `ms` after the last schedule() — for previews as the user types and refreshes after event bursts. */
export interface Debounced {
  schedule(): void;
  cancel(): void;
  /** Run now if scheduled. */
  flush(): void;
  readonly pending: boolean;
}

export function debounce(fn: () => void, ms: number): Debounced {
  let handle: ReturnType<typeof setTimeout> | null = null;
  return {
    schedule() {
      if (handle !== null) clearTimeout(handle);
      handle = setTimeout(() => {
        handle = null;
        fn();
      }, ms);
    },
    cancel() {
      if (handle !== null) clearTimeout(handle);
      handle = null;
    },
    flush() {
      if (handle === null) return;
      clearTimeout(handle);
      handle = null;
      fn();
    },
    get pending() {
      return handle !== null;
    },
  };
}
