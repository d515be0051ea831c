/**
 * What every long command (`run`, `resume`, `serve`, and any later one that trains) does on Ctrl-C (SIGINT)
 * or SIGTERM, in one place (docs/reliability.md E5):
 *
 *   1st signal  cancel every trial this process trains; each ends after a final flush of its metrics, as
 *               `cancelled`, with its resume point kept; the command finishes what it was printing, the
 *               services close (workers gone, lock released) and the process exits 128 + signal (130 for
 *               Ctrl-C, 143 for SIGTERM).
 *   2nd signal  the same, but if it has not finished FORCE_AFTER_MS later, runs still training are marked
 *               `cancelled` synchronously, the store is closed, the lock released, and the process exits at
 *               once — never leaving a run `running`.
 */
import { constants } from 'node:os';
import type { Services } from '../services/create-services';
import { CliError } from './errors';

export const INTERRUPT_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
export type InterruptSignal = (typeof INTERRUPT_SIGNALS)[number];

/** How long a second signal waits for the final flush before forcing the exit. */
export const FORCE_AFTER_MS = 5000;

export const FORCED_EXIT_REASON = 'cancelled: Epochlab was stopped before this run could save its last metrics';

/** The exit code of a command ended by `signal`, as shells report it. */
export function interruptedExitCode(signal: InterruptSignal): number {
  return 128 + constants.signals[signal];
}

/** Thrown after an interrupted command has cleaned up; the CLI exits with its code. */
export class InterruptedError extends CliError {
  constructor(readonly signal: InterruptSignal) {
    super(`stopped by ${signal}: trials that were training are cancelled and can be resumed`, interruptedExitCode(signal));
  }
}

/** Seams for tests; commands use the process. */
export interface InterruptDeps {
  signals: Pick<NodeJS.Process, 'on' | 'off'>;
  exit: (code: number) => void;
  log: (line: string) => void;
  forceAfterMs: number;
}

const defaultDeps = (): InterruptDeps => ({
  signals: process,
  exit: (code) => process.exit(code),
  log: (line) => process.stderr.write(`${line}\n`),
  forceAfterMs: FORCE_AFTER_MS,
});

/** Cancels every run the services are training (queued ones end at once, running ones after a final flush). */
export function cancelAllTraining(services: Pick<Services, 'runner'>): number {
  return services.runner.activeRunIds().filter((id) => services.runner.cancelRun(id)).length;
}

/**
 * Runs `work` with the interrupt policy above, then closes the services. `work` gets a promise that resolves
 * with the first signal (a server waits on it); it should finish soon after, as its trials end cancelled.
 * Throws InterruptedError when a signal came, whatever `work` returned.
 */
export async function runInterruptibly<T>(
  services: Pick<Services, 'runner' | 'close' | 'abandon' | 'subscribe'>,
  work: (stopping: Promise<InterruptSignal>) => Promise<T>,
  deps: InterruptDeps = defaultDeps(),
): Promise<T> {
  let received: InterruptSignal | null = null;
  let forceTimer: NodeJS.Timeout | null = null;
  let announceStop!: (signal: InterruptSignal) => void;
  const stopping = new Promise<InterruptSignal>((resolve) => {
    announceStop = resolve;
  });
  const onSignal = (signal: InterruptSignal) => {
    if (received === null) {
      received = signal;
      const cancelled = cancelAllTraining(services);
      deps.log(`stopping: ${cancelled ? `cancelling ${cancelled} trial(s) and saving what they trained` : 'closing'} (${signal} again to quit without waiting)`);
      announceStop(signal);
      return;
    }
    if (forceTimer) return;
    const seconds = Math.round(deps.forceAfterMs / 1000);
    deps.log(`quitting: waiting at most ${seconds} s more for the last metrics to be saved`);
    forceTimer = setTimeout(() => {
      deps.log('quitting now: trials still training are marked cancelled');
      services.abandon(FORCED_EXIT_REASON);
      deps.exit(interruptedExitCode(received!));
    }, deps.forceAfterMs);
  };
  const handlers = INTERRUPT_SIGNALS.map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [signal, handler] of handlers) deps.signals.on(signal, handler);
  // A command stopped before its trials were queued (Ctrl-C while the experiment is being created) must not
  // train them after all: what starts after the signal is cancelled as soon as it is queued.
  const unsubscribe = services.subscribe((event) => {
    if (received !== null && event.type === 'experiment-status' && event.status === 'running') setImmediate(() => cancelAllTraining(services));
  });
  let outcome: { value: T } | { error: unknown };
  try {
    outcome = { value: await work(stopping) };
  } catch (error) {
    outcome = { error };
  }
  try {
    await services.close();
  } finally {
    unsubscribe();
    for (const [signal, handler] of handlers) deps.signals.off(signal, handler);
    if (forceTimer) clearTimeout(forceTimer);
  }
  if (received !== null) {
    if ('error' in outcome) deps.log(`epochlab: ${outcome.error instanceof Error ? outcome.error.message : String(outcome.error)}`);
    throw new InterruptedError(received);
  }
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
}
