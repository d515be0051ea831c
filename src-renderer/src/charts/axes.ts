/** The four x axes every curve can be drawn against, and how a point maps onto each. */
import { formatCount, formatDuration, formatNumber } from '../lib/format';

export const X_AXES = ['epoch', 'iteration', 'samples', 'time'] as const;
export type XAxisKind = (typeof X_AXES)[number];

export const X_AXIS_LABELS: Record<XAxisKind, string> = {
  epoch: 'Epoch',
  iteration: 'Iteration',
  samples: 'Samples seen',
  time: 'Wall time (s)',
};

/** One point of a curve with every x it can be plotted against. `epoch` may be fractional (iteration data). */
export interface CurvePoint {
  epoch: number;
  step: number;
  samplesSeen: number;
  elapsedMs: number;
  value: number | null;
}

export function xOf(point: CurvePoint, axis: XAxisKind): number {
  switch (axis) {
    case 'epoch':
      return point.epoch;
    case 'iteration':
      return point.step;
    case 'samples':
      return point.samplesSeen;
    case 'time':
      return point.elapsedMs / 1000;
  }
}

export function formatX(axis: XAxisKind, x: number): string {
  switch (axis) {
    case 'epoch':
      return `epoch ${formatNumber(x, 4)}`;
    case 'iteration':
      return `iteration ${formatCount(x)}`;
    case 'samples':
      return `${formatCount(x)} samples`;
    case 'time':
      return formatDuration(x);
  }
}
