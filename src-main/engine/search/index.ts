export { parseSpec, specIssues, gridSize } from './validate';
export { expandTrials } from './expand';
export { previewExperiment, trainValSizes, type PreviewDatasets } from './preview';
export { rangeValues, gridValues, sampleValue } from './values';
