/**
 * What the test client hands back: the response exactly as the gateway
 * produced it (status, headers with Date/Server/Content-Length, body bytes,
 * framing), plus what a test wants next to it — what the app wrote to
 * `tsgi.errors`, whether the response was aborted, the redirect history.
 */
import { Headers } from '../protocol/headers.js';
import type { HeaderList } from '../protocol/types.js';
import type { Framing } from '../gateway/types.js';

/** The request that produced a response, as it was sent. */
export interface TestRequestInfo {
  readonly method: string;
  readonly url: string;
  /** The request-target on the wire, e.g. `/search?q=%C3%A4`. */
  readonly target: string;
  readonly headers: HeaderList;
  /** The whole body when it was given whole; `null` when absent or streamed. */
  readonly body: Buffer | null;
}

export interface TestResponseInit {
  status: number;
  statusLine: string;
  headers: HeaderList;
  body: Buffer;
  bodyLength: number;
  framing: Framing;
  aborted: boolean;
  abortReason: unknown;
  errors: string;
  continueSent: boolean;
  request: TestRequestInfo;
  history: readonly TestResponse[];
}

export class TestResponse {
  /** The status code, e.g. `404`; `0` when the client disconnected before the head was sent. */
  readonly status: number;
  /** The status as the app gave it, e.g. `'404 Not Found'`. */
  readonly statusLine: string;
  /** The final response headers, including those the gateway added. */
  readonly headers: Headers;
  /** Every body byte the client received (none when `onBodyChunk` consumed them). */
  readonly body: Buffer;
  /** Body bytes received, also those `onBodyChunk` consumed. */
  readonly bodyLength: number;
  /** How the gateway delimited the body. */
  readonly framing: Framing;
  /**
   * True when the gateway aborted the response (an error after the headers
   * were sent, a body shorter than its Content-Length) or the client disconnected.
   */
  readonly aborted: boolean;
  /** Why the gateway aborted, when it did. */
  readonly abortReason: unknown;
  /** The text written to `tsgi.errors` during the request, tracebacks included. */
  readonly errors: string;
  /** True when the gateway sent `100 Continue` (the request asked and the app read its body). */
  readonly continueSent: boolean;
  readonly request: TestRequestInfo;
  /** The responses of the redirects followed to get here, oldest first. */
  readonly history: readonly TestResponse[];

  constructor(init: TestResponseInit) {
    this.status = init.status;
    this.statusLine = init.statusLine;
    this.headers = new Headers(init.headers);
    this.body = init.body;
    this.bodyLength = init.bodyLength;
    this.framing = init.framing;
    this.aborted = init.aborted;
    this.abortReason = init.abortReason;
    this.errors = init.errors;
    this.continueSent = init.continueSent;
    this.request = init.request;
    this.history = init.history;
  }

  /** The body decoded as UTF-8. */
  text(): string {
    return this.body.toString('utf8');
  }

  /** The body parsed as JSON; a body that is not JSON throws a SyntaxError quoting its start. */
  json<T = unknown>(): T {
    const text = this.text();
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      const start = text.length > 60 ? `${text.slice(0, 60)}...` : text;
      const type = this.headers.get('Content-Type') ?? 'no Content-Type';
      throw new SyntaxError(`TestResponse.json(): the body of ${this.statusLine} (${type}) is not JSON: '${start}'.`, {
        cause: error,
      });
    }
  }

  toString(): string {
    return `<TestResponse ${this.request.method} ${this.request.target} -> ${this.statusLine || 'no response'}${this.aborted ? ' (aborted)' : ''}>`;
  }
}
