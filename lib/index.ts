// The protocol: types, errors, compose(), Headers and wsgiref's utilities
export * from './protocol/index.js';
