/**
 * `guessContentType()`: a media type from a file name's extension, from a
 * small built-in table of the common web types (no dependency), as
 * `FileResponse` needs it. Compressed archives get their own type rather
 * than a Content-Encoding, as Django does, so browsers do not unpack them.
 */

const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html', htm: 'text/html', css: 'text/css', js: 'text/javascript', mjs: 'text/javascript',
  txt: 'text/plain', csv: 'text/csv', md: 'text/markdown', xml: 'application/xml', json: 'application/json',
  pdf: 'application/pdf', zip: 'application/zip', gz: 'application/gzip', tgz: 'application/gzip',
  br: 'application/x-brotli', bz2: 'application/x-bzip', xz: 'application/x-xz', tar: 'application/x-tar',
  wasm: 'application/wasm', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif',
  webp: 'image/webp', avif: 'image/avif', svg: 'image/svg+xml', ico: 'image/vnd.microsoft.icon',
  mp3: 'audio/mpeg', ogg: 'audio/ogg', wav: 'audio/wav', mp4: 'video/mp4', webm: 'video/webm',
  woff: 'font/woff', woff2: 'font/woff2', ttf: 'font/ttf', otf: 'font/otf',
};

/** The media type for `fileName`, or `application/octet-stream` when the extension is unknown. */
export function guessContentType(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  if (dot === -1) return 'application/octet-stream';
  return TYPES[fileName.slice(dot + 1).toLowerCase()] ?? 'application/octet-stream';
}
