/** One subscription to live events, fanned out to the stores that care. */
import type { ApiClient } from '../api/client';
import { useCompareStore } from './compare';
import { useDatasetsStore } from './datasets';
import { useExperimentStore } from './experiment';
import { useExperimentsStore } from './experiments';
import { useMetricsStore } from './metrics';
import { useRunStore } from './run';

export function connectEvents(client: ApiClient): () => void {
  const experiments = useExperimentsStore();
  const experiment = useExperimentStore();
  const metrics = useMetricsStore();
  const run = useRunStore();
  const compare = useCompareStore();
  const datasets = useDatasetsStore();
  return client.onEvent((event) => {
    experiments.handleEvent(event);
    experiment.handleEvent(event);
    metrics.handleEvent(event);
    run.handleEvent(event);
    compare.handleEvent(event);
    datasets.handleEvent(event);
  });
}
