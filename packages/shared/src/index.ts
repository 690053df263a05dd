export * from './errors.js';
export * from './models/index.js';
