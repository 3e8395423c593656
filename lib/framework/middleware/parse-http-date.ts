/**
 * Parses an HTTP-date (RFC 9110 §5.6.7) into seconds since the epoch, or
 * `null` when it is not one (Django's `parse_http_date_safe`). All three
 * formats a recipient must accept are handled, always as GMT:
 *
 * - IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`
 * - RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT` (two-digit years: RFC 9110's 50-year rule)
 * - asctime: `Sun Nov  6 08:49:37 1994`
 *
 * `Date.parse` is not used: it reads asctime dates as local time.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
const IMF = new RegExp(`^\\w{3}, (\\d{2}) (\\w{3}) (\\d{4}) ${TIME} GMT$`);
const RFC850 = new RegExp(`^\\w{6,9}, (\\d{2})-(\\w{3})-(\\d{2}) ${TIME} GMT$`);
const ASCTIME = new RegExp(`^\\w{3} (\\w{3}) ([ \\d]\\d) ${TIME} (\\d{4})$`);

export function parseHttpDate(value: string): number | null {
  let day: string, month: string, year: number, hour: string, minute: string, second: string;
  let match = IMF.exec(value);
  if (match !== null) {
    [, day = '', month = '', , hour = '', minute = '', second = ''] = match;
    year = Number(match[3]);
  } else if ((match = RFC850.exec(value)) !== null) {
    [, day = '', month = '', , hour = '', minute = '', second = ''] = match;
    year = Number(match[3]);
    // RFC 9110: a two-digit year more than 50 years in the future is in the past century.
    const currentYear = new Date().getUTCFullYear();
    year += Math.floor(currentYear / 100) * 100;
    if (year > currentYear + 50) year -= 100;
  } else if ((match = ASCTIME.exec(value)) !== null) {
    [, month = '', day = '', hour = '', minute = '', second = ''] = match;
    year = Number(match[6]);
  } else {
    return null;
  }
  const monthIndex = MONTHS.indexOf(month.toLowerCase());
  if (monthIndex === -1) return null;
  const time = Date.UTC(year, monthIndex, Number(day), Number(hour), Number(minute), Number(second));
  if (Number.isNaN(time) || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 60 || Number(day) < 1 || Number(day) > 31) return null;
  return Math.floor(time / 1000);
}
