/**
 * A study as the sampler sees it: which runs exist, how they ended and what their epochs said. TPE asks
 * here for the next configuration; grid and random studies list all their trials up front (expand.ts).
 */
import { resolveObjective, type ExperimentSpec, type RunStatus, type TrialParams } from '../../contract';
import { createRng, deriveSeed } from '../random';
import { COMPLETE_STATUSES, objectiveValue } from './objective';
import type { EpochValues } from './pruners';
import { configKey, searchSpaceOf } from './space';
import { proposeTpe, type TpeTrial } from './tpe';

export interface StudyTrial {
  params: TrialParams;
  status: RunStatus;
  /** Epoch → the objective monitor's value. */
  values: EpochValues;
}

/**
 * Runs a study ends with: for TPE, configurations × seeds (proposed while training), never more
 * configurations than a finite space holds; else what is stored.
 */
export function plannedTrials(spec: ExperimentSpec, storedRuns: number): number {
  if (spec.search.method !== 'tpe') return storedRuns;
  const { dims, seeds } = searchSpaceOf(spec);
  const size = dims.reduce((n, d) => n * (d.kind === 'categorical' ? d.choices.length : d.kind === 'int' ? d.high - d.low + 1 : Infinity), 1);
  return Math.max(storedRuns, Math.min(spec.search.trials, size) * seeds.length);
}

/** Whether a TPE study still has configurations to propose: its stored runs fall short of its plan. */
export function studyIsShort(spec: ExperimentSpec, storedRuns: number): boolean {
  return spec.search.method === 'tpe' && plannedTrials(spec, 0) > storedRuns;
}

/** How a stored run counts for TPE; null: it is left out of the densities (cancelled, interrupted). */
function asTpeTrial(trial: StudyTrial, direction: 'minimize' | 'maximize'): TpeTrial | null {
  const params = trial.params as unknown as Record<string, number | string>;
  if (trial.status === 'queued' || trial.status === 'running') return { params, state: 'running', value: null, lastEpoch: 0 };
  if (trial.status === 'cancelled' || trial.status === 'interrupted') return null;
  const value = objectiveValue(trial.values, direction);
  if (COMPLETE_STATUSES.has(trial.status) && value !== null) return { params, state: 'complete', value, lastEpoch: trial.values.size };
  // Pruned, diverged or failed: ranked after completed trials, by how far they got and their last value.
  const lastEpoch = Math.max(0, ...trial.values.keys());
  const last = trial.values.get(lastEpoch) ?? null;
  return { params, state: 'pruned', value: trial.status === 'pruned' ? last : null, lastEpoch };
}

/**
 * The runs of the next TPE configuration (one per seed), or null when the study has all its trials or the
 * space has no untried configuration left. `trials` are the stored runs in trial order.
 */
export function proposeNextTrials(spec: ExperimentSpec, trials: readonly StudyTrial[]): TrialParams[] | null {
  const search = spec.search;
  if (search.method !== 'tpe') return null;
  const space = searchSpaceOf(spec);
  if (trials.length >= plannedTrials(spec, 0)) return null;
  const { direction } = resolveObjective(spec);
  const taken = new Set(trials.map((t) => configKey(t.params)));
  const history = trials.map((t) => asTpeTrial(t, direction)).filter((t): t is TpeTrial => t !== null);
  // One rng per proposal, from the sampler seed and the proposal's number: reproducible at any concurrency
  // for a given history, and independent of how many draws earlier proposals made.
  const proposal = Math.floor(trials.length / space.seeds.length);
  const point = proposeTpe(space.dims, history, {
    startupTrials: search.startupTrials,
    candidates: search.candidates,
    multivariate: search.multivariate,
    direction,
    rng: createRng(deriveSeed(search.seed, proposal)),
    isTaken: (p) => taken.has(configKey({ ...space.fixed, ...p })),
  });
  if (point === null) return null;
  return space.seeds.map((seed) => ({ ...space.fixed, ...point, seed }) as unknown as TrialParams);
}
