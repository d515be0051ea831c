/** How the Compare view's grouping maps onto the seed statistics' settings (the API's groupBy). */
import type { ParamName } from '../contract';
import type { GroupBy } from './groups';

export type AnalysisGroupBy = 'config' | ParamName;

/**
 * Seed statistics compare the groups the best-epoch table ranks: by one hyperparameter, or by configuration;
 * one line per run has no groups, so it compares configurations (runs that differ only in seed).
 */
export function analysisGroupBy(groupBy: GroupBy): AnalysisGroupBy {
  return groupBy === 'run' ? 'config' : groupBy;
}
