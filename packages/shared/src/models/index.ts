export * from './jsonld.js';
export * from './stackSpec.js';
export * from './host.js';
