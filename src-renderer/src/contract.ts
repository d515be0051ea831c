/**
 * The renderer's one door to main-process code: the contract, re-exported. Everything else in
 * src-renderer imports from here (test/renderer/boundaries.test.ts checks it). A relative import instead of
 * a path alias keeps the renderer buildable by any bundler config (ours, electron-vite's) and lets vitest and
 * the root tsconfig follow it without extra settings.
 *
 * worker.ts is left out on purpose: worker messages are none of the renderer's business.
 */
export * from '../../src-main/contract/iterations';
export * from '../../src-main/contract/param-values';
export * from '../../src-main/contract/best-epoch';
export * from '../../src-main/contract/spec';
export * from '../../src-main/contract/analysis';
export * from '../../src-main/contract/records';
export * from '../../src-main/contract/events';
export * from '../../src-main/contract/api';
export * from '../../src-main/contract/dataset-formats';
export * from '../../src-main/contract/transport';
export * from '../../src-main/contract/annotations';
export * from '../../src-main/contract/experiment-progress';
export * from '../../src-main/contract/param-labels';
export * from '../../src-main/contract/spec-description';
