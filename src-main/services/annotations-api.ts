/** Tags and notes on runs and experiments: editable at any time, even while the runs train. */
import { ApiError, MAX_TAGS, applyTagChange } from '../contract';
import type { ApiDeps, ApiImplementation } from './api';

type AnnotationMethods = 'tagRun' | 'tagExperiment' | 'setRunNotes' | 'setExperimentNotes';

export function annotationsApi({ store }: Pick<ApiDeps, 'store'>): Pick<ApiImplementation, AnnotationMethods> {
  const change = (add: string[], remove: string[]) => (current: string[]) => {
    const next = applyTagChange(current, add, remove);
    if (next.length > MAX_TAGS) {
      throw new ApiError('invalid', `at most ${MAX_TAGS} tags; remove some first`, [{ path: 'add', message: `at most ${MAX_TAGS} tags; remove some first` }]);
    }
    return next;
  };
  const runExists = (runId: number) => {
    if (!store.getRun(runId)) throw new ApiError('not-found', `there is no run ${runId}`);
  };
  const experimentExists = (experimentId: number) => {
    if (!store.getExperiment(experimentId)) throw new ApiError('not-found', `there is no experiment ${experimentId}`);
  };
  return {
    tagRun: async ({ runId, add, remove }) => {
      runExists(runId);
      return { tags: store.changeRunTags(runId, change(add, remove)) };
    },
    tagExperiment: async ({ experimentId, add, remove }) => {
      experimentExists(experimentId);
      return { tags: store.changeExperimentTags(experimentId, change(add, remove)) };
    },
    setRunNotes: async ({ runId, notes }) => {
      runExists(runId);
      store.setRunNotes(runId, notes);
      return { notes };
    },
    setExperimentNotes: async ({ experimentId, notes }) => {
      experimentExists(experimentId);
      store.setExperimentNotes(experimentId, notes);
      return { notes };
    },
  };
}
