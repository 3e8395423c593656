/** The vars nginx sends with its stock uwsgi_params for `GET /hello?x=1` (the codec fixture's content). */
export const NGINX_VARS: Array<[string, string]> = [
  ['QUERY_STRING', 'x=1'],
  ['REQUEST_METHOD', 'GET'],
  ['CONTENT_TYPE', ''],
  ['CONTENT_LENGTH', ''],
  ['REQUEST_URI', '/hello?x=1'],
  ['PATH_INFO', '/hello'],
  ['DOCUMENT_ROOT', '/usr/share/nginx/html'],
  ['SERVER_PROTOCOL', 'HTTP/1.1'],
  ['REQUEST_SCHEME', 'http'],
  ['REMOTE_ADDR', '127.0.0.1'],
  ['REMOTE_PORT', '51234'],
  ['SERVER_PORT', '80'],
  ['SERVER_NAME', 'localhost'],
  ['HTTP_HOST', 'example.com'],
  ['HTTP_USER_AGENT', 'curl/8.0'],
];
