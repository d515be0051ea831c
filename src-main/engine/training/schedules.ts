/** Learning-rate schedules as pure functions of the global step (0-based). */
import type { Schedule, ScheduleOptions } from '../../contract';

export interface ScheduleContext {
  baseLearningRate: number;
  schedule: Schedule;
  options: ScheduleOptions;
  iterationsPerEpoch: number;
  totalIterations: number;
}

export function learningRateAt(ctx: ScheduleContext, step: number): number {
  const { baseLearningRate: lr, options: o, iterationsPerEpoch: ipe, totalIterations: total } = ctx;
  switch (ctx.schedule) {
    case 'constant':
      return lr;
    case 'step':
      // Decays at epoch boundaries: every `stepEpochs` completed epochs multiply by gamma.
      return lr * Math.pow(o.gamma, Math.floor(Math.floor(step / ipe) / o.stepEpochs));
    case 'exponential':
      // Smooth per-iteration decay that equals decayRate^epoch at each epoch boundary.
      return lr * Math.pow(o.decayRate, step / ipe);
    case 'cosine': {
      const progress = total <= 1 ? 0 : Math.min(1, step / (total - 1));
      const min = lr * o.minFactor;
      return min + (lr - min) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
    case 'warmup': {
      const warmupSteps = Math.max(1, Math.ceil(o.warmupEpochs * ipe));
      return lr * Math.min(1, (step + 1) / warmupSteps);
    }
  }
}
