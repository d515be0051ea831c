/** The one "delete this experiment?" dialog, used from the list and from the experiment view. */
import { useDialog, useMessage } from 'naive-ui';
import type { ExperimentSummary } from '../contract';
import { toApiError } from '../api/errors';
import { useExperimentsStore } from '../stores/experiments';

export function useConfirmDeleteExperiment(): (experiment: Pick<ExperimentSummary, 'id' | 'name' | 'trialCount'>, afterDelete: () => unknown) => void {
  const dialog = useDialog();
  const message = useMessage();
  const experiments = useExperimentsStore();
  return (experiment, afterDelete) => {
    dialog.warning({
      title: 'Delete experiment?',
      content: `“${experiment.name}” and all its ${experiment.trialCount} runs, metrics and checkpoints will be deleted. This cannot be undone.`,
      positiveText: 'Delete',
      negativeText: 'Keep',
      onPositiveClick: async () => {
        try {
          await experiments.remove(experiment.id);
          await afterDelete();
        } catch (e) {
          message.error(toApiError(e).message);
        }
      },
    });
  };
}
