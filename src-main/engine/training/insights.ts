/**
 * What the training loop measures for the analysis section of a trial (contract/analysis.ts), kept out of
 * the loop itself: which steps are split for the gradient noise scale and what the split steps measured,
 * the per-epoch noise-scale row with its measured overhead, and sharpness at the best and last weights once
 * training ends. The loop calls four methods; with the section empty they do nothing.
 */
import * as tf from '@tensorflow/tfjs';
import type { NoiseScaleEpoch, RunInsight, SharpnessResult, SharpnessSpec, TrialConfig } from '../../contract';
import { measurementInterval, NoiseScaleTracker, wholeBatchSq } from '../analysis/noise-scale';
import { deriveSeed } from '../random';
import { measureSharpness, sampleRows } from './sharpness';
import type { TrainingData } from './train';

export interface InsightsContext {
  config: TrialConfig;
  data: TrainingData;
  iterationsPerEpoch: number;
  effectiveBatchSize: number;
  emit: (insight: RunInsight) => void;
  isCancelled: () => boolean;
}

export class TrialInsights {
  private readonly noise: NoiseScaleTracker | null;
  private readonly interval: number;
  private readonly sharpness: SharpnessSpec | null;
  private stepsThisEpoch = 0;
  private plainMs = 0;
  private plainSteps = 0;
  private splitMs = 0;
  private splitSteps = 0;

  constructor(private readonly ctx: InsightsContext) {
    const analysis = ctx.config.analysis;
    const noise = analysis?.noiseScale;
    this.noise = noise && ctx.effectiveBatchSize >= 2 ? new NoiseScaleTracker(noise.ema, ctx.data.train.y.length) : null;
    this.interval = noise ? measurementInterval(noise.everySteps, ctx.iterationsPerEpoch) : 0;
    this.sharpness = analysis?.sharpness ?? null;
  }

  /** The loop keeps a copy of the best weights when sharpness needs them. */
  get needsBestWeights(): boolean {
    return this.sharpness !== null;
  }

  /** Whether this step (0-based within the epoch, of `size` rows) is taken as two halves. */
  splits(batchInEpoch: number, size: number): boolean {
    // Only full batches: every measurement is at the same B, and the last partial one would bias nothing but add noise.
    return this.noise !== null && size === this.ctx.effectiveBatchSize && (batchInEpoch + 1) % this.interval === 0;
  }

  /** After each step: its wall time, and for a split step the [|g₁|², |g₂|², g₁·g₂] it measured. */
  afterStep(size: number, ms: number, norms: ArrayLike<number> | null): void {
    if (!this.noise) return;
    this.stepsThisEpoch++;
    if (norms) {
      const s1 = Math.floor(size / 2);
      const sizes: [number, number] = [s1, size - s1];
      const halfSq: [number, number] = [norms[0], norms[1]];
      this.noise.add({ sizes, halfSq, fullSq: wholeBatchSq(sizes, halfSq, norms[2]) });
      this.splitMs += ms;
      this.splitSteps++;
    } else if (size === this.ctx.effectiveBatchSize) {
      this.plainMs += ms;
      this.plainSteps++;
    }
  }

  endEpoch(epoch: number, step: number): void {
    if (!this.noise) return;
    const plainMean = this.plainSteps ? this.plainMs / this.plainSteps : null;
    // Extra time of the split steps over plain ones, relative to the time the epoch's steps would have taken.
    const overhead = plainMean !== null && plainMean > 0 && this.stepsThisEpoch > 0
      ? (this.splitMs - this.splitSteps * plainMean) / (this.stepsThisEpoch * plainMean)
      : null;
    const row: NoiseScaleEpoch = {
      epoch, step, gradSq: this.noise.gradSq, trace: this.noise.trace, bSimple: this.noise.bSimple,
      measurements: this.noise.count, overhead,
    };
    this.ctx.emit({ kind: 'noise-scale', row });
    this.stepsThisEpoch = 0;
    this.plainMs = 0;
    this.plainSteps = 0;
    this.splitMs = 0;
    this.splitSteps = 0;
  }

  /**
   * Once training has ended well, with the model at its last weights: sharpness at the best and the last
   * weights (one measurement when they are the same epoch). The model's weights are left as they were.
   * Never throws: a failure is recorded (docs/reliability.md I2).
   */
  async atEnd(model: tf.LayersModel, best: { weights: tf.Tensor[]; epoch: number } | null, lastEpoch: number): Promise<void> {
    const spec = this.sharpness;
    if (!spec || this.ctx.isCancelled()) return;
    const { data, config } = this.ctx;
    const subset = sampleRows(data.train, spec.subset, data.inputShape, data.numClasses);
    // getWeights() hands out the variables themselves, which setWeights would overwrite: keep a copy.
    const last = model.getWeights().map((w) => w.clone());
    const measure = async (weights: tf.Tensor[], checkpoint: SharpnessResult['checkpoint'], epoch: number): Promise<SharpnessResult> => {
      const base = {
        checkpoint, epoch, epsilon: spec.epsilon, subset: subset.y.length, powerIterations: spec.iterations, ascentSteps: spec.ascentSteps,
      };
      try {
        model.setWeights(weights);
        const m = await measureSharpness(model, subset, spec, { seed: deriveSeed(config.params.seed, 6151), isCancelled: this.ctx.isCancelled });
        return { ...base, loss: m.loss, topEigenvalue: m.topEigenvalue, converged: m.converged, epsSharpness: m.epsSharpness, seconds: m.seconds, error: null };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return { ...base, loss: null, topEigenvalue: null, converged: false, epsSharpness: null, seconds: 0, error: reason };
      }
    };
    try {
      const lastRow = await measure(last, 'last', lastEpoch);
      if (this.ctx.isCancelled()) return;
      const rows = [lastRow];
      if (best && best.epoch !== lastEpoch) {
        const bestRow = await measure(best.weights, 'best', best.epoch);
        if (this.ctx.isCancelled()) return;
        rows.unshift(bestRow);
      } else if (best) {
        rows.unshift({ ...lastRow, checkpoint: 'best' });
      }
      this.ctx.emit({ kind: 'sharpness', rows });
    } finally {
      model.setWeights(last);
      tf.dispose(last);
    }
  }
}
