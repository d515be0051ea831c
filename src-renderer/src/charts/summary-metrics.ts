/** One number per run, for the heatmap and parallel coordinates. */
import type { RunSummary } from '../contract';

export const SUMMARY_METRICS = {
  bestValLoss: { label: 'best val loss', lowerIsBetter: true, get: (r: RunSummary) => r.bestValLoss },
  bestValAccuracy: { label: 'best val accuracy', lowerIsBetter: false, get: (r: RunSummary) => r.bestValAccuracy },
  finalValLoss: { label: 'final val loss', lowerIsBetter: true, get: (r: RunSummary) => r.finalValLoss },
  finalValAccuracy: { label: 'final val accuracy', lowerIsBetter: false, get: (r: RunSummary) => r.finalValAccuracy },
  gap: {
    label: 'gap at best epoch (val − train)',
    lowerIsBetter: true,
    get: (r: RunSummary) => (r.bestValLoss !== null && r.bestTrainLoss !== null ? r.bestValLoss - r.bestTrainLoss : null),
  },
  bestEpoch: { label: 'best epoch', lowerIsBetter: true, get: (r: RunSummary) => r.bestEpoch },
  seconds: { label: 'training time (s)', lowerIsBetter: true, get: (r: RunSummary) => r.seconds },
} as const satisfies Record<string, { label: string; lowerIsBetter: boolean; get: (r: RunSummary) => number | null }>;

export type SummaryMetric = keyof typeof SUMMARY_METRICS;
