/**
 * When a run has diverged (docs/reliability.md F1). Three rules, checked in the training loop:
 * - `non-finite-loss`: a step's loss is NaN or ±Infinity — at once;
 * - `loss-explosion`: the smoothed loss stays above `lossFactor` × the reference loss for `patience`
 *   consecutive steps (or a whole epoch, when an epoch has fewer steps). Stable softmax cross-entropy keeps an
 *   exploding run's loss finite (1e22 at lr 1e6), so without this rule it would "complete";
 * - `non-finite-weights`: a weight is NaN or ±Infinity at the end of an epoch (a dead ReLU can hide an
 *   infinite weight from the loss), checked before the epoch is evaluated or any checkpoint is written.
 * Pure: it sees numbers, not tensors. The reason strings carry the rule and the numbers that fired.
 */
import { DEFAULT_DIVERGENCE, type DivergenceSpec } from '../../contract';

export type DivergenceRule = 'non-finite-loss' | 'loss-explosion' | 'non-finite-weights';

export interface Divergence {
  rule: DivergenceRule;
  /** The last step trained: where the rule fired. */
  step: number;
  /** One sentence with the rule and the numbers that fired, stored as the run's end reason. */
  reason: string;
}

/** Where a step sits, for the reason text. */
export interface StepPlace {
  step: number;
  epoch: number;
  /** 0-based within the epoch. */
  batch: number;
  learningRate: number;
}

export interface DivergenceContext {
  numClasses: number;
  iterationsPerEpoch: number;
}

/** 3 significant digits, exponent form for large or tiny values: readable next to 1e22. */
export function formatLoss(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  return abs !== 0 && (abs >= 1e5 || abs < 1e-3) ? value.toExponential(2) : String(Number(value.toPrecision(3)));
}

export class DivergenceWatch {
  private readonly rule: DivergenceSpec;
  private readonly patience: number;
  private readonly chance: number;
  private reference: number | null = null;
  private ema = 0;
  private finiteSteps = 0;
  private above = 0;
  private firstAboveStep = 0;

  /** `spec` may be missing in runs stored before the rule existed: they get the defaults. */
  constructor(spec: DivergenceSpec | undefined, context: DivergenceContext) {
    this.rule = spec ?? DEFAULT_DIVERGENCE;
    this.patience = Math.max(1, Math.min(this.rule.patience, context.iterationsPerEpoch));
    // Uniform predictions over K classes cost ln K in cross-entropy: a lucky low first batch must not make
    // the threshold so low that ordinary noise crosses it.
    this.chance = Math.log(Math.max(2, context.numClasses));
  }

  /** The reference loss, once the first finite step has set it. */
  get referenceLoss(): number | null {
    return this.reference;
  }

  /** Smoothed loss so far (debiased EMA), null before the first finite step. */
  get smoothedLoss(): number | null {
    if (this.finiteSteps === 0) return null;
    const w = this.rule.smoothing;
    return w === 0 ? this.ema : this.ema / (1 - w ** this.finiteSteps);
  }

  /** Feed every step's loss in order; returns the divergence when a rule fires, else null. */
  observeLoss(loss: number, at: StepPlace): Divergence | null {
    const where = `at step ${at.step} (epoch ${at.epoch}, batch ${at.batch + 1}) with learning rate ${at.learningRate}`;
    if (!Number.isFinite(loss)) {
      return { rule: 'non-finite-loss', step: at.step, reason: `loss became ${String(loss)} ${where}` };
    }
    const w = this.rule.smoothing;
    this.ema = w * this.ema + (1 - w) * loss;
    this.finiteSteps++;
    this.reference ??= Math.max(loss, this.chance);
    const factor = this.rule.lossFactor;
    if (factor === null) return null;
    const smoothed = this.smoothedLoss as number;
    if (smoothed > factor * this.reference) {
      if (this.above === 0) this.firstAboveStep = at.step;
      this.above++;
    } else {
      this.above = 0;
    }
    if (this.above < this.patience) return null;
    return {
      rule: 'loss-explosion',
      step: at.step,
      reason:
        `loss exploded ${where}: the smoothed loss (EMA ${w}) stayed above ${factor} × the reference loss ` +
        `${formatLoss(this.reference)} for ${this.above} consecutive step(s) since step ${this.firstAboveStep}, ` +
        `reaching ${formatLoss(smoothed)} (last loss ${formatLoss(loss)}; rule training.divergence: ` +
        `lossFactor ${factor}, patience ${this.rule.patience}${this.patience < this.rule.patience ? ` — ${this.patience}, one epoch` : ''})`,
    };
  }

  /** After an epoch: `badWeight` names a weight holding NaN or ±Infinity, or is null when all are finite. */
  observeWeights(badWeight: string | null, epoch: number, step: number): Divergence | null {
    if (badWeight === null) return null;
    return {
      rule: 'non-finite-weights',
      step,
      reason: `weights became non-finite by the end of epoch ${epoch} (step ${step}): ${badWeight} holds NaN or Infinity`,
    };
  }
}
