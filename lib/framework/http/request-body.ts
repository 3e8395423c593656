/**
 * The body side of an `HttpRequest`: the raw bytes, read from `tsgi.input`
 * once and bounded by `dataUploadMaxMemorySize`, and the form parsed from
 * them (`POST`, `FILES`), as Django's `HttpRequest.body` and `_load_post_and_files`.
 *
 * The request makes one on first use, so the many requests that never touch
 * their body (every GET) carry none of these fields.
 */
import { TsgiError } from '../../protocol/errors.js';
import type { Environ } from '../../protocol/types.js';
import { parseMultipart } from './multipart.js';
import { MultiValueDict } from './multi-value-dict.js';
import { parseUrlencoded } from './parse-urlencoded.js';
import { QueryDict } from './query-dict.js';
import { readBody } from './read-body.js';
import { DEFAULT_MAX_MEMORY_SIZE, DEFAULT_MAX_NUMBER_FILES, maxMemorySize, maxNumberFields, type HttpRequestOptions } from './request-options.js';
import type { UploadedFile } from './uploaded-file.js';

/** What the body needs of its request: public members of `HttpRequest`, read when needed (they may change). */
export interface BodySource {
  readonly method: string;
  readonly META: Environ;
  readonly options: HttpRequestOptions;
  readonly contentType: string;
  readonly encoding: string | null;
}

export class RequestBody {
  /** The parsed form fields; undefined until read (or set). */
  POST: QueryDict | undefined;
  /** The uploaded files; undefined until read (or set). */
  FILES: MultiValueDict<UploadedFile> | undefined;
  readonly #request: BodySource;
  #bytes: Promise<Uint8Array> | undefined;
  #form: Promise<void> | undefined;
  /** A multipart form was parsed straight from `tsgi.input`: the bytes are gone. */
  #streamRead = false;

  constructor(request: BodySource) {
    this.#request = request;
  }

  /** `request.body()`: the bytes, read once; later calls share the read. */
  bytes(): Promise<Uint8Array> {
    if (this.#bytes === undefined) {
      if (this.#streamRead) {
        return Promise.reject(
          new TsgiError(
            "request.body() cannot read the body after readForm() streamed it (a multipart form). Call body() before readForm() to have both.",
          ),
        );
      }
      this.#bytes = readBody(this.#request.META, maxMemorySize(this.#request.options));
    }
    return this.#bytes;
  }

  /** Reads and parses the form once; `POST` and `FILES` are set when it resolves. */
  readForm(): Promise<void> {
    return (this.#form ??= this.#loadForm());
  }

  /** `POST` or `FILES` asked for before `readForm()`: empty, unless the request has a form to read. */
  loadWithoutBody(what: 'POST' | 'FILES'): void {
    if (this.#hasForm()) {
      throw new TsgiError(
        `request.${what} is not available before the form is read: await request.readForm() first (in the view or a pipeline middleware).`,
      );
    }
    this.#setEmptyForm();
  }

  #hasForm(): boolean {
    const type = this.#request.contentType;
    return this.#request.method === 'POST' && (type === 'multipart/form-data' || type === 'application/x-www-form-urlencoded');
  }

  #setEmptyForm(): void {
    this.POST ??= new QueryDict('', { encoding: this.#request.encoding ?? 'utf-8' });
    this.FILES ??= new MultiValueDict<UploadedFile>().makeImmutable();
  }

  async #loadForm(): Promise<void> {
    if (!this.#hasForm()) {
      this.#setEmptyForm();
      return;
    }
    try {
      if (this.#request.contentType === 'multipart/form-data') await this.#loadMultipart();
      else await this.#loadUrlencoded();
    } catch (error) {
      // As Django's _mark_post_parse_error: later reads see an empty form.
      this.#setEmptyForm();
      throw error;
    }
  }

  async #loadUrlencoded(): Promise<void> {
    this.POST = parseUrlencoded(await this.bytes(), this.#request.encoding, maxNumberFields(this.#request.options));
    this.FILES = new MultiValueDict<UploadedFile>().makeImmutable();
  }

  async #loadMultipart(): Promise<void> {
    const { options, META } = this.#request;
    let source: Uint8Array | Environ['tsgi.input'] = META['tsgi.input'];
    if (this.#bytes !== undefined) source = await this.#bytes;
    else this.#streamRead = true;
    const { POST, FILES } = await parseMultipart(source, String(META.CONTENT_TYPE), {
      maxFields: maxNumberFields(options),
      maxFiles: options.dataUploadMaxNumberFiles === undefined ? DEFAULT_MAX_NUMBER_FILES : options.dataUploadMaxNumberFiles,
      maxMemorySize: maxMemorySize(options),
      fileMaxMemorySize: options.fileUploadMaxMemorySize ?? DEFAULT_MAX_MEMORY_SIZE,
    });
    this.POST = POST;
    this.FILES = FILES;
  }
}
