/**
 * The development server's access log line, in wsgiref's format (which is
 * http.server's, itself the Common Log Format without the zone):
 *
 *     127.0.0.1 - - [24/Nov/2026 19:40:01] "GET / HTTP/1.1" 200 11
 *
 * The last two fields are the status code (`-` when no response head went
 * out, e.g. the client left first) and the body bytes sent.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

// The timestamp only changes once a second; a busy server formats it once.
let cachedSecond = Number.NaN;
let cachedStamp = '';

/** `24/Nov/2026 19:40:01` in local time, as wsgiref's `log_date_time_string()`. */
export function logTimestamp(date: Date): string {
  const second = Math.floor(date.getTime() / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedStamp =
      `${pad(date.getDate())}/${MONTHS[date.getMonth()]}/${date.getFullYear()} ` +
      `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  }
  return cachedStamp;
}

export interface AccessLogEntry {
  remoteAddress: string | undefined;
  method: string;
  target: string;
  /** `HTTP/1.1` */
  protocol: string;
  /** `0` when no head was sent. */
  status: number;
  bytesSent: number;
}

/** One access-log line, without a line end. */
export function accessLogLine(entry: AccessLogEntry, now: Date = new Date()): string {
  const requestLine = escapeControls(`${entry.method} ${entry.target} ${entry.protocol}`);
  const status = entry.status === 0 ? '-' : String(entry.status);
  return `${entry.remoteAddress ?? '-'} - - [${logTimestamp(now)}] "${requestLine}" ${status} ${entry.bytesSent}`;
}

/**
 * Control characters are written as `\xHH` so a crafted request target
 * cannot forge log lines or send terminal escapes (Python's http.server does
 * the same since 3.12). `"` and `\` are escaped so the quoted field stays one field.
 */
function escapeControls(text: string): string {
  // Most request lines need nothing.
  if (!/[\x00-\x1f\x7f"\\]/.test(text)) return text;
  return text.replace(/[\x00-\x1f\x7f"\\]/g, (c) =>
    c === '"' || c === '\\' ? `\\${c}` : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
