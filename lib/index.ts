// The protocol: types, errors, compose(), Headers and wsgiref's utilities
export * from './protocol/index.js';

// The executable spec
export { validate } from './validate/index.js';
export type { ValidateOptions, ValidatedApplication } from './validate/index.js';
