// The validator: docs/SPEC.md, executable
export { validate } from './validate.js';
export type { ValidateOptions, ValidatedApplication } from './validate.js';
