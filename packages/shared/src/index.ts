export * from './errors.js';
export * from './models/index.js';
export * from './retry.js';
export * from './wiring.js';
