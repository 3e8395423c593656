/**
 * HTTP conditional requests as Django's `get_conditional_response`
 * (utils/cache.py), evaluating preconditions in RFC 9110 §13.2.2 order:
 *
 * 1. `If-Match` fails -> 412.
 * 2. Else `If-Unmodified-Since` fails -> 412.
 * 3. `If-None-Match` fails -> 304 for GET/HEAD, 412 otherwise.
 * 4. Else `If-Modified-Since` fails (GET/HEAD) -> 304.
 *
 * `If-Match` compares strongly (a weak ETag never matches), `If-None-Match`
 * weakly. Only 2xx responses are turned into 304/412. A 304 keeps only the
 * headers RFC 9110 §15.4.5 wants (plus Last-Modified) and the cookies.
 */
import { hash } from 'node:crypto';
import { HttpResponse, HttpResponseNotModified, type HttpRequest, type HttpResponseBase } from '../http/index.js';
import { logResponse } from '../pipeline/log-response.js';
import { parseHttpDate } from './parse-http-date.js';

/** `W/"x"` or `"x"`, as a whole value. */
const ETAG = /^((?:W\/)?"[^"]*")$/;
const KEPT_ON_304 = ['Cache-Control', 'Content-Location', 'Date', 'ETag', 'Expires', 'Last-Modified', 'Vary'];

/** Django's `parse_etags`: `*`, or the valid entity tags of a comma-separated list. */
export function parseEtags(header: string): string[] {
  if (header.trim() === '*') return ['*'];
  const etags: string[] = [];
  for (const item of header.split(',')) {
    const match = ETAG.exec(item.trim());
    if (match !== null) etags.push(match[1]!);
  }
  return etags;
}

/** Django's `quote_etag`: `abc` -> `"abc"`; an already quoted (or weak) tag is kept. */
export function quoteEtag(etag: string): string {
  return ETAG.test(etag) ? etag : `"${etag}"`;
}

/** Django's `set_response_etag`: a strong ETag, the MD5 of the content, unless streamed or empty. */
export function setResponseEtag(response: HttpResponseBase): void {
  if (response.streaming || response.content.byteLength === 0) return;
  response.headers.set('ETag', quoteEtag(hash('md5', response.content, 'hex')));
}

/** The values the preconditions are tested against. */
export interface Validators {
  etag?: string | undefined;
  /** Seconds since the epoch. */
  lastModified?: number | null | undefined;
}

/** Returns `response` or the 304/412 the request's preconditions call for. */
export function getConditionalResponse(request: HttpRequest, validators: Validators, response: HttpResponseBase): HttpResponseBase {
  if (response.status < 200 || response.status >= 300) return response;
  const meta = request.META;
  // Most requests carry no precondition at all.
  if (meta['HTTP_IF_MATCH'] === undefined && meta['HTTP_IF_NONE_MATCH'] === undefined && meta['HTTP_IF_MODIFIED_SINCE'] === undefined && meta['HTTP_IF_UNMODIFIED_SINCE'] === undefined) {
    return response;
  }
  const { etag, lastModified } = validators;
  const ifMatch = parseEtags(header(request, 'HTTP_IF_MATCH'));
  const ifUnmodifiedSince = dateHeader(request, 'HTTP_IF_UNMODIFIED_SINCE');
  const ifNoneMatch = parseEtags(header(request, 'HTTP_IF_NONE_MATCH'));
  const ifModifiedSince = dateHeader(request, 'HTTP_IF_MODIFIED_SINCE');
  const safe = request.method === 'GET' || request.method === 'HEAD';

  if (ifMatch.length > 0 && !ifMatchPasses(etag, ifMatch)) return preconditionFailed(request);
  if (ifMatch.length === 0 && ifUnmodifiedSince !== null && !(lastModified != null && lastModified <= ifUnmodifiedSince)) {
    return preconditionFailed(request);
  }
  if (ifNoneMatch.length > 0 && !ifNoneMatchPasses(etag, ifNoneMatch)) {
    return safe ? notModified(response) : preconditionFailed(request);
  }
  if (ifNoneMatch.length === 0 && ifModifiedSince !== null && safe && !(lastModified == null || lastModified > ifModifiedSince)) {
    return notModified(response);
  }
  return response;
}

function header(request: HttpRequest, key: string): string {
  const value = request.META[key];
  return typeof value === 'string' ? value : '';
}

function dateHeader(request: HttpRequest, key: string): number | null {
  const value = header(request, key);
  return value === '' ? null : parseHttpDate(value);
}

function ifMatchPasses(etag: string | undefined, etags: string[]): boolean {
  if (etag === undefined || etag === '') return false;
  if (etags.length === 1 && etags[0] === '*') return true;
  // A weak ETag never matches strongly.
  if (etag.startsWith('W/')) return false;
  return etags.includes(etag);
}

function ifNoneMatchPasses(etag: string | undefined, etags: string[]): boolean {
  if (etag === undefined || etag === '') return true;
  if (etags.length === 1 && etags[0] === '*') return false;
  const weak = (tag: string): string => (tag.startsWith('W/') ? tag.slice(2) : tag);
  return !etags.map(weak).includes(weak(etag));
}

function preconditionFailed(request: HttpRequest): HttpResponseBase {
  const response = new HttpResponse('', { status: 412 });
  logResponse(request, response, 'Precondition Failed');
  return response;
}

function notModified(response: HttpResponseBase): HttpResponseBase {
  const replacement = new HttpResponseNotModified();
  for (const name of KEPT_ON_304) {
    const value = response.headers.get(name);
    if (value !== undefined) replacement.headers.set(name, value);
  }
  // "A proxy ... should propagate the Set-cookie header ... regardless of whether the response was 304 or 200."
  for (const [name, cookie] of response.cookies) replacement.cookies.set(name, cookie);
  return replacement;
}
