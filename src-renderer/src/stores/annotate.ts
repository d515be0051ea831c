/** Tags and notes of a run or an experiment, through the API; the stores keep what the server answered. */
import { apiClient } from './client';

export type AnnotationTarget = { runId: number } | { experimentId: number };

/** Adds and removes tags in one call; resolves to the tags as stored. */
export async function changeTags(target: AnnotationTarget, add: string[], remove: string[]): Promise<string[]> {
  const result = 'runId' in target
    ? await apiClient().call('tagRun', { runId: target.runId, add, remove })
    : await apiClient().call('tagExperiment', { experimentId: target.experimentId, add, remove });
  return result.tags;
}

/** Replaces the notes; resolves to the notes as stored. */
export async function saveNotes(target: AnnotationTarget, notes: string): Promise<string> {
  const result = 'runId' in target
    ? await apiClient().call('setRunNotes', { runId: target.runId, notes })
    : await apiClient().call('setExperimentNotes', { experimentId: target.experimentId, notes });
  return result.notes;
}
