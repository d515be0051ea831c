/**
 * The half-epoch lag: an epoch's training loss (and accuracy) is the average over the epoch's batches,
 * while validation is measured once the epoch has ended. Plotted at the epoch's end, the training curve is
 * half an epoch late — which is why validation loss can sit below training loss in epoch 1. Drawing each
 * training point at the middle of its epoch (on every x axis: epoch − ½, and half the epoch's steps,
 * samples and wall time back) puts both curves where the time they describe is.
 */
import type { EpochMetric } from '../contract';
import type { CurvePoint } from './axes';

/** Keys of epoch metrics that are averages over the epoch (the rest are measured at its end). */
export const EPOCH_AVERAGED = new Set(['trainLoss', 'trainAccuracy']);

/** The point moved back by half of its epoch, measured from the previous epoch's row (or the run's start). */
export function atMidEpoch(point: CurvePoint, current: EpochMetric, previous: EpochMetric | undefined): CurvePoint {
  const before = previous ?? { step: 0, samplesSeen: 0, elapsedMs: 0 };
  return {
    ...point,
    epoch: point.epoch - 0.5,
    step: point.step - (current.step - before.step) / 2,
    samplesSeen: point.samplesSeen - (current.samplesSeen - before.samplesSeen) / 2,
    elapsedMs: point.elapsedMs - (current.elapsedMs - before.elapsedMs) / 2,
  };
}
