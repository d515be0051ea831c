/**
 * Heavy chart work, one piece per browser task. Rebuilding every Compare panel for 100 runs at once (and
 * drawing each) would block the page for the sum of all; queued, each piece runs in its own task, so the
 * page answers between them and the first chart appears first. A queued piece that is asked for again
 * runs once, with the latest inputs (docs/reliability.md H4).
 */
import { effect, onScopeDispose, ref, shallowRef, stop, type ShallowRef } from 'vue';

const queue = new Map<object, () => void>();
let draining = false;
/** Pieces waiting; 0 when every chart shows its latest data (tests and the UI can wait for that). */
export const pendingChartWork = ref(0);

function drain(): void {
  const next = queue.entries().next();
  if (next.done) {
    draining = false;
    pendingChartWork.value = 0;
    return;
  }
  const [key, job] = next.value;
  queue.delete(key);
  pendingChartWork.value = queue.size;
  try {
    job();
  } finally {
    setTimeout(drain, 0);
  }
}

export function enqueueChartWork(key: object, job: () => void): void {
  queue.delete(key);
  queue.set(key, job);
  pendingChartWork.value = queue.size;
  if (!draining) {
    draining = true;
    setTimeout(drain, 0);
  }
}

export function cancelChartWork(key: object): void {
  queue.delete(key);
  pendingChartWork.value = queue.size;
}

/** `build()` now, then again in a task of its own whenever what it read changes. */
export function useStaggered<T>(build: () => T): ShallowRef<T> {
  const out = shallowRef(undefined as T);
  const key = {};
  const runner = effect(() => {
    out.value = build();
  }, { scheduler: () => enqueueChartWork(key, () => runner()) });
  onScopeDispose(() => {
    stop(runner);
    cancelChartWork(key);
  });
  return out;
}
