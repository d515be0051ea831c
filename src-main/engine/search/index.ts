export { parseSpec, specIssues } from './validate';
export { expandTrials } from './expand';
export { previewExperiment, type PreviewDatasets } from './preview';
