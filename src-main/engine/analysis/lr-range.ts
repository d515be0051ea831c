/**
 * The LR range test (Smith 2017, "Cyclical Learning Rates for Training Neural Networks", §3.3; fastai's
 * `lr_find`): the learning rate grows exponentially from `from` to `to` over `iterations` steps while the
 * loss is recorded; the test stops once the smoothed loss exceeds `stopFactor` × its minimum (fastai: 4).
 * Two suggestions, as fastai makes them on the smoothed loss with the first tenth and the last five
 * points left out: the steepest descent (most negative slope per log LR) and the minimum's LR / 10.
 */
import {
  iterationAccounting, lrRangeSettings, type ExperimentSpec, type LrRangePoint, type LrRangeResult, type LrRangeSpec, type TrialParams,
} from '../../contract';

/** Learning rate at step `index` (0-based) of `count`: from · (to/from)^(index/(count−1)). */
export function rampLearningRate(index: number, count: number, from: number, to: number): number {
  if (count <= 1) return from;
  return from * Math.pow(to / from, Math.min(1, Math.max(0, index / (count - 1))));
}

/** Epochs an LR range test of `iterations` steps spans (the last one may end early). */
export function lrRangeEpochs(iterations: number, iterationsPerEpoch: number): number {
  return Math.max(1, Math.ceil(iterations / Math.max(1, iterationsPerEpoch)));
}

/**
 * The epochs a trial's iteration accounting counts: the trial's own, or for an LR range test the epochs its
 * iterations span — so that the run's accounting (and its progress) counts what the test will at most do.
 */
export function trialEpochs(spec: ExperimentSpec, params: TrialParams, nTrain: number): number {
  if (spec.analysis.runType !== 'lr-range-test') return params.epochs;
  const perEpoch = iterationAccounting(nTrain, params.batchSize, 1, spec.training.dropLastBatch).iterationsPerEpoch;
  return lrRangeEpochs(lrRangeSettings(spec.analysis).iterations, perEpoch);
}

/** Bias-corrected EMA of the loss, as fastai's SmoothenValue. */
export class LossSmoother {
  private avg = 0;
  private n = 0;
  constructor(private readonly beta: number) {}
  push(loss: number): number {
    this.n++;
    this.avg = this.beta * this.avg + (1 - this.beta) * loss;
    return this.avg / (1 - Math.pow(this.beta, this.n));
  }
}

export function lrSuggestions(points: readonly LrRangePoint[]): Pick<LrRangeResult, 'steepest' | 'minimum' | 'minimumOver10'> {
  const valid = points.filter((p): p is LrRangePoint & { smoothed: number } => p.smoothed !== null && Number.isFinite(p.smoothed));
  // fastai trims num_it // 10 points at the start (the loss has not moved yet) and 5 at the end (the blow-up).
  const start = Math.floor(valid.length / 10);
  const end = valid.length > start + 10 ? valid.length - 5 : valid.length;
  const kept = valid.slice(start, end);
  if (kept.length < 2) return { steepest: null, minimum: null, minimumOver10: null };
  let min = kept[0];
  for (const p of kept) if (p.smoothed < min.smoothed) min = p;
  let steepest: number | null = null;
  let slope = Infinity;
  for (let i = 0; i + 1 < kept.length; i++) {
    const dx = Math.log(kept[i + 1].learningRate) - Math.log(kept[i].learningRate);
    if (!(dx > 0)) continue;
    const s = (kept[i + 1].smoothed - kept[i].smoothed) / dx;
    if (s < slope) {
      slope = s;
      steepest = kept[i].learningRate;
    }
  }
  return { steepest: slope < 0 ? steepest : null, minimum: min.learningRate, minimumOver10: min.learningRate / 10 };
}

/** Records the test step by step and decides when it stops. */
export class LrRangeRecorder {
  private readonly smoother: LossSmoother;
  private readonly points: LrRangePoint[] = [];
  private best = Infinity;
  private stopReason: string | null = null;

  constructor(private readonly spec: LrRangeSpec) {
    this.smoother = new LossSmoother(spec.smoothing);
  }

  /** Learning rate for step `index` (0-based). */
  learningRateAt(index: number): number {
    return rampLearningRate(index, this.spec.iterations, this.spec.from, this.spec.to);
  }

  /** Records one step's loss; returns the reason to stop, or null to go on. */
  record(step: number, learningRate: number, loss: number): string | null {
    if (!Number.isFinite(loss)) {
      this.points.push({ step, learningRate, loss: null, smoothed: null });
      return (this.stopReason = `the loss became ${String(loss)} at learning rate ${formatLr(learningRate)}`);
    }
    const smoothed = this.smoother.push(loss);
    this.points.push({ step, learningRate, loss, smoothed });
    if (smoothed < this.best) this.best = smoothed;
    // The first step cannot diverge from a minimum it alone defines.
    if (this.points.length > 1 && smoothed > this.spec.stopFactor * this.best) {
      return (this.stopReason = `the smoothed loss exceeded ${this.spec.stopFactor}× its minimum at learning rate ${formatLr(learningRate)}`);
    }
    if (this.points.length >= this.spec.iterations) {
      return (this.stopReason = `the ramp reached ${formatLr(this.spec.to)} after ${this.spec.iterations} iterations`);
    }
    return null;
  }

  result(fallbackReason: string): LrRangeResult {
    return {
      from: this.spec.from,
      to: this.spec.to,
      iterations: this.spec.iterations,
      points: [...this.points],
      ...lrSuggestions(this.points),
      stopReason: this.stopReason ?? fallbackReason,
    };
  }
}

function formatLr(lr: number): string {
  return String(Number(lr.toPrecision(3)));
}
