/**
 * The request limits gunicorn calls `limit_request_line`,
 * `limit_request_fields` and `limit_request_field_size`, checked on what
 * node's parser (llhttp) already accepted.
 *
 * Node itself offers only `maxHeaderSize`, a cap on the whole head (request
 * line and headers together, 431 past it), and `maxHeadersCount`, which
 * silently *drops* headers past the count instead of refusing the request.
 * It has no request-line limit. So the worker asks node for one header more
 * than the limit and refuses here what goes past: a request line longer than
 * `limitRequestLine` gets `414 URI Too Long` (RFC 9110 §15.5.15; gunicorn
 * answers 400), too many or too long header fields `431 Request Header
 * Fields Too Large` (RFC 6585 §5).
 *
 * Pure: takes the parsed pieces, returns the refusal or `undefined`.
 *
 * @example
 * const refusal = checkRequestLimits(req.method, req.url, req.httpVersion, req.rawHeaders, limits);
 * if (refusal !== undefined) return refuse(res, refusal);
 */

export interface RequestLimits {
  /** Longest request line in bytes (`GET /x HTTP/1.1`, without CRLF); 0 off. */
  readonly limitRequestLine: number;
  /** Most header fields; 0 off. */
  readonly limitRequestFields: number;
  /** Longest `name: value`, in bytes; 0 off. */
  readonly limitRequestFieldSize: number;
}

export interface Refusal {
  /** `414 URI Too Long` or `431 Request Header Fields Too Large`. */
  readonly status: string;
  /** The plain-text body, saying which limit. */
  readonly body: string;
}

/** `maxHeadersCount` for node: one past the limit, so going over it stays visible. */
export function nodeMaxHeadersCount(limits: RequestLimits): number {
  // node's 0 means "no limit" too; 2000 is node's own default.
  return limits.limitRequestFields === 0 ? 2000 : limits.limitRequestFields + 1;
}

/** The refusal for a request past a limit, or `undefined`. `rawHeaders` as node gives it: name, value, name, value... */
export function checkRequestLimits(
  method: string,
  target: string,
  httpVersion: string,
  rawHeaders: readonly string[],
  limits: RequestLimits,
): Refusal | undefined {
  // Node's strings are latin-1 code units: one per byte on the wire.
  const lineLength = method.length + 1 + target.length + ' HTTP/'.length + httpVersion.length;
  if (limits.limitRequestLine > 0 && lineLength > limits.limitRequestLine) {
    return {
      status: '414 URI Too Long',
      body: `The request line is ${lineLength} bytes, over the server's limit of ${limits.limitRequestLine}.\n`,
    };
  }
  const fields = rawHeaders.length / 2;
  if (limits.limitRequestFields > 0 && fields > limits.limitRequestFields) {
    return {
      status: '431 Request Header Fields Too Large',
      body: `The request has more than ${limits.limitRequestFields} header fields, the server's limit.\n`,
    };
  }
  if (limits.limitRequestFieldSize > 0) {
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const size = (rawHeaders[i] ?? '').length + 2 + (rawHeaders[i + 1] ?? '').length;
      if (size > limits.limitRequestFieldSize) {
        return {
          status: '431 Request Header Fields Too Large',
          body: `A header field is ${size} bytes, over the server's limit of ${limits.limitRequestFieldSize}.\n`,
        };
      }
    }
  }
  return undefined;
}
