/**
 * The store as the API shows it: a run the database still calls `running` although nothing trains it is
 * shown as what it is. In a process that only reads, that is every `running` run when no live process owns
 * the data folder: they are `interrupted`, which is what the next training process will write — shown
 * without writing, so on a read-only file or a full disk too. In the training process, it is a run whose end
 * could not be written (a full disk): it is shown with the end the runner saw. No run is ever shown
 * `running` when it is not.
 */
import { experimentProgress, experimentStatus, summarizeRuns, type ExperimentSummary, type RunSummary } from '../contract';
import { INTERRUPTED_MESSAGE, type RunEndInfo, type RunStore } from '../store';

export interface Liveness {
  /** Whether the run, which the database calls `running`, is really training. */
  runIsLive(runId: number): boolean;
  /** Whether the experiment, which the database calls `running` or counts running runs of, really has runs training. */
  experimentIsLive(experimentId: number): boolean;
  /** The end of a run that this process saw but could not write. */
  unsavedEnd?(runId: number): Pick<RunEndInfo, 'status' | 'error' | 'endReason'> | undefined;
}

export function showingTrueStatuses(store: RunStore, liveness: Liveness): RunStore {
  const run = (r: RunSummary): RunSummary => {
    if (r.status !== 'running' || liveness.runIsLive(r.id)) return r;
    const end = liveness.unsavedEnd?.(r.id);
    const stopEpoch = r.epochsDone < r.accounting.epochs ? r.epochsDone : null;
    return end ? { ...r, ...end, stopEpoch } : { ...r, status: 'interrupted', endReason: r.endReason ?? INTERRUPTED_MESSAGE, stopEpoch };
  };
  // Status and progress derived again from the runs as shown, with no live claim (contract/experiment-progress.ts).
  const experiment = (e: ExperimentSummary): ExperimentSummary => {
    if ((e.status !== 'running' && !e.counts.running) || liveness.experimentIsLive(e.id)) return e;
    const { counts, totals, resumableFailures } = summarizeRuns(store.listRuns(e.id).map(run));
    return { ...e, status: experimentStatus(counts, false, resumableFailures), counts, progress: experimentProgress(totals) };
  };
  const overrides: Partial<RunStore> = {
    listRuns: (experimentId) => store.listRuns(experimentId).map(run),
    getRun: (runId) => {
      const found = store.getRun(runId);
      return found && { ...found, summary: run(found.summary) };
    },
    listExperiments: () => store.listExperiments().map(experiment),
    getExperiment: (experimentId) => {
      const found = store.getExperiment(experimentId);
      return found && { ...found, summary: experiment(found.summary) };
    },
  };
  return new Proxy(store, {
    get: (target, key) => {
      if (key in overrides) return overrides[key as keyof RunStore];
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** For a process that only reads: everything is live exactly while some live process owns the data folder. */
export function readerLiveness(trainerAlive: () => boolean): Liveness {
  let checked: { at: number; alive: boolean } | null = null;
  // One look at the lock file per read, not one per run.
  const alive = () => {
    const now = Date.now();
    if (!checked || now - checked.at > 100) checked = { at: now, alive: trainerAlive() };
    return checked.alive;
  };
  return { runIsLive: alive, experimentIsLive: alive };
}
