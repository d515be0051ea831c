export * from './iterations';
export * from './spec';
export * from './records';
export * from './events';
export * from './api';
export * from './worker';
export * from './transport';
