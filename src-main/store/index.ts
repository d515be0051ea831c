export * from './types';
export { StoreError, type StoreErrorCode } from './errors';
export { openStore, type OpenOptions } from './open';
export { SCHEMA_VERSION } from './migrations';
export { downsampleIndices } from './lttb';
