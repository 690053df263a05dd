export * from './errors.js';
export * from './models/index.js';
export * from './formats/index.js';
export * from './validation/index.js';
export * from './placement/index.js';
export * from './retry.js';
export * from './wiring.js';
