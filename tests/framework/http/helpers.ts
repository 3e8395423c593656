/**
 * Fixtures for the http tests: an application that runs a view over an
 * `HttpRequest` and sends its response, as the pipeline does (without it).
 */
import { HttpRequest, sendResponse, type HttpRequestOptions, type HttpResponseBase } from '../../../lib/framework/http/index.js';
import type { Application } from '../../../lib/protocol/types.js';

export type TestView = (request: HttpRequest) => HttpResponseBase | Promise<HttpResponseBase>;

/** An app running `view`; the request is closed with the response. */
export function viewApp(view: TestView, options: HttpRequestOptions = {}): Application {
  return async (environ, startResponse) => {
    const request = new HttpRequest(environ, options);
    const response = await view(request);
    response.addCloser(() => request.close());
    return sendResponse(response, environ, startResponse);
  };
}

/** A multipart/form-data body built from parts, with its Content-Type. */
export function multipartBody(
  parts: Array<{ name: string; value?: string; filename?: string; contentType?: string; data?: Uint8Array }>,
  boundary = 'tsgi-test-boundary',
): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename !== undefined) head += `; filename="${part.filename}"`;
    head += '\r\n';
    if (part.contentType !== undefined) head += `Content-Type: ${part.contentType}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`, 'utf8'), Buffer.from(part.data ?? Buffer.from(part.value ?? '', 'utf8')), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
