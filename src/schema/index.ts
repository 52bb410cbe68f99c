export * from './enums.js';
export * from './data-sources.js';
export * from './connection-tests.js';
export * from './audit-events.js';
export * from './coordination.js';
export * from './sessions.js';
