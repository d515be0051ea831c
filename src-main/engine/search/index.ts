export { parseSpec, specIssues } from './validate';
export { expandTrials } from './expand';
export { previewExperiment, trainValSizes, type PreviewDatasets } from './preview';
export { searchSpaceOf, configKey, type Dimension, type SearchSpace } from './space';
export { plannedTrials, proposeNextTrials, studyIsShort, type StudyTrial } from './study';
export { extendedSpec, addedTrials, type ExtendRequest } from './extend';
export { shouldPrune, type EpochValues, type PruneDecision } from './pruners';
export { objectiveValue, optimizationHistory, COMPLETE_STATUSES, type StudyRun } from './objective';
export { paramImportance, MIN_IMPORTANCE_TRIALS } from './importance';
