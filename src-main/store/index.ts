export * from './run-store';
export { StoreError, type StoreErrorCode } from './errors';
export { INTERRUPTED_MESSAGE } from './runs';
export { openStore, type OpenOptions } from './open';
export { openStoreForReading, type ReadingStore } from './open-for-reading';
export { SCHEMA_VERSION } from './migrations/migrate';
export { downsampleIndices } from './lttb';
