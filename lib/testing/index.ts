// The test client
export { Client } from './client.js';
export type { ClientOptions, ClientRequestOptions } from './client.js';
export { TestResponse } from './test-response.js';
export type { TestRequestInfo } from './test-response.js';
export { CookieJar } from './cookie-jar.js';
export type { Cookie, SetCookieOptions } from './cookie-jar.js';
export type { HeadersInit, RequestOptions } from './build-request.js';
export type { QueryInit } from './request-target.js';

// Environs for unit tests
export { createEnviron } from './create-environ.js';
export type { CreateEnvironOptions } from './create-environ.js';

// Testing middleware in isolation
export { recordingApp } from './recording-app.js';
export type { FailurePoint, RecordedCall, RecordingApp, RecordingResponse } from './recording-app.js';
export { validateBothSides } from './validate-both-sides.js';
