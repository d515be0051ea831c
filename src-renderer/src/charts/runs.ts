/**
 * Runs as lists and charts see them: which parameters vary, how a run is labelled (groups: groups.ts).
 * Labels and the varying-parameter rule live in contract/param-labels.ts, shared with the CLI and tables.
 */
export { paramValue, runLabel, varyingParams, paramsLabel as paramsText } from '../contract';
