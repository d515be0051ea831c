/** Best-epoch tracking, early stopping and the plateau rule, as a small state machine over epoch metrics. */
import { bestEpochRule, isImprovement, monitoredValue, type BestEpochRule, type EarlyStoppingSpec, type EpochMetric, type Monitor, type PlateauSpec } from '../../contract';

export interface StopDecision {
  improved: boolean;
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
    if (this.early && this.sinceBest >= this.early.patience) {
      return { improved, stop: { reason: `${this.monitor} did not improve by more than ${minDelta} for ${this.early.patience} epoch(s); best epoch ${this.bestEpoch}` } };
    }
    if (this.plateau && metric.trainLoss !== null) {
      const threshold = this.bestTrainLoss === null ? Infinity : this.bestTrainLoss * (1 - this.plateau.minDelta);
      if (metric.trainLoss < threshold) {
        this.bestTrainLoss = metric.trainLoss;
        this.sincePlateauBest = 0;
      } else if (++this.sincePlateauBest >= this.plateau.patience) {
        return { improved, stop: { reason: `training loss plateaued: no relative improvement above ${this.plateau.minDelta} for ${this.plateau.patience} epoch(s)` } };
      }
    }
    return { improved, stop: null };
  }
}
