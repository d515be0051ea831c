export { parseSpec, specIssues } from './validate';
export { expandTrials } from './expand';
export { previewExperiment, trainValSizes, type PreviewDatasets } from './preview';
