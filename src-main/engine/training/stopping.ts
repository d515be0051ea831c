/**
 * Best-epoch tracking, early stopping and the plateau rule, as a small state machine over epoch metrics.
 * A rule can only end a run early: when it fires on the last planned epoch the run has trained everything
 * it was asked to, and it is `completed`, not early-stopped.
 */
import { bestEpochRule, isImprovement, monitoredValue, type BestEpochRule, type EarlyStoppingSpec, type EpochMetric, type Monitor, type PlateauSpec } from '../../contract';

export interface StopDecision {
  improved: boolean;
  /** The rule that fired and its numbers, stored as the run's end reason. */
  stop: null | { reason: string };
}

/** What the judge remembers between epochs, saved with a resume point. */
export interface JudgeState {
  bestEpoch: number | null;
  best: number | null;
  sinceBest: number;
  bestTrainLoss: number | null;
  sincePlateauBest: number;
}

export class EpochJudge {
  readonly monitor: Monitor;
  private readonly rule: BestEpochRule;
  bestEpoch: number | null = null;
  private best: number | null = null;
  private sinceBest = 0;
  private bestTrainLoss: number | null = null;
  private sincePlateauBest = 0;

  constructor(
    private readonly early: EarlyStoppingSpec | undefined,
    private readonly plateau: PlateauSpec | undefined,
    hasValidation: boolean,
    /** The run's planned epochs: a rule firing on the last one stops nothing. */
    private readonly plannedEpochs: number,
  ) {
    this.rule = bestEpochRule(early, hasValidation);
    this.monitor = this.rule.monitor;
  }

  snapshot(): JudgeState {
    return { bestEpoch: this.bestEpoch, best: this.best, sinceBest: this.sinceBest, bestTrainLoss: this.bestTrainLoss, sincePlateauBest: this.sincePlateauBest };
  }

  restore(state: JudgeState): void {
    ({ bestEpoch: this.bestEpoch, best: this.best, sinceBest: this.sinceBest, bestTrainLoss: this.bestTrainLoss, sincePlateauBest: this.sincePlateauBest } = state);
  }

  observe(metric: EpochMetric): StopDecision {
    const value = monitoredValue(metric, this.monitor);
    const minDelta = this.rule.minDelta;
    const improved = isImprovement(value, this.best, this.rule);
    if (improved) {
      this.best = value;
      this.bestEpoch = metric.epoch;
      this.sinceBest = 0;
    } else {
      this.sinceBest++;
    }
    const stopped = `best epoch ${this.bestEpoch ?? 'none'}, stopped after epoch ${metric.epoch}`;
    let rule: string | null = null;
    if (this.early && this.sinceBest >= this.early.patience) {
      rule = `early stopping: ${this.monitor} did not improve by more than ${minDelta} for ${epochs(this.early.patience)}`;
    }
    if (this.plateau && metric.trainLoss !== null) {
      const threshold = this.bestTrainLoss === null ? Infinity : this.bestTrainLoss * (1 - this.plateau.minDelta);
      if (metric.trainLoss < threshold) {
        this.bestTrainLoss = metric.trainLoss;
        this.sincePlateauBest = 0;
      } else if (++this.sincePlateauBest >= this.plateau.patience && rule === null) {
        rule = `plateau: training loss did not improve by more than ${this.plateau.minDelta} (relative) for ${epochs(this.plateau.patience)}`;
      }
    }
    const last = metric.epoch >= this.plannedEpochs;
    return { improved, stop: rule !== null && !last ? { reason: `${rule}; ${stopped}` } : null };
  }
}

function epochs(n: number): string {
  return `${n} epoch${n === 1 ? '' : 's'}`;
}
