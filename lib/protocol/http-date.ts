/**
 * HTTP-dates (RFC 9110 §5.6.7), read and written. A recipient must accept
 * all three formats, always in GMT:
 *
 * - IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`
 * - RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT` (two-digit years: RFC 9110's 50-year rule)
 * - asctime: `Sun Nov  6 08:49:37 1994`
 *
 * `Date.parse` is not used: it reads asctime as local time and accepts much
 * that is not an HTTP-date.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
const IMF_FIXDATE = new RegExp(`^\\w{3}, (\\d{2}) (\\w{3}) (\\d{4}) ${TIME} GMT$`);
const RFC850 = new RegExp(`^\\w{6,9}, (\\d{2})-(\\w{3})-(\\d{2}) ${TIME} GMT$`);
const ASCTIME = new RegExp(`^\\w{3} (\\w{3}) ([ \\d]\\d) ${TIME} (\\d{4})$`);

/**
 * An HTTP-date as seconds since the epoch; `undefined` when it is not one
 * (a recipient then ignores the header, RFC 9110 §13.1.3).
 */
export function parseHttpDate(value: string): number | undefined {
  let day: string, month: string, year: number, clock: string[];
  let parts = IMF_FIXDATE.exec(value);
  if (parts !== null) {
    [day, month, year, clock] = [parts[1]!, parts[2]!, Number(parts[3]), parts.slice(4)];
  } else if ((parts = RFC850.exec(value)) !== null) {
    // Two-digit years: more than 50 years ahead means the past century.
    const now = new Date().getUTCFullYear();
    year = Math.floor(now / 100) * 100 + Number(parts[3]);
    if (year > now + 50) year -= 100;
    [day, month, clock] = [parts[1]!, parts[2]!, parts.slice(4)];
  } else if ((parts = ASCTIME.exec(value)) !== null) {
    [month, day, clock, year] = [parts[1]!, parts[2]!, parts.slice(3, 6), Number(parts[6])];
  } else {
    return undefined;
  }
  const monthIndex = MONTHS.indexOf(month.toLowerCase());
  const [hour, minute, second] = clock.map(Number) as [number, number, number];
  const date = Number(day);
  if (monthIndex === -1 || date < 1 || date > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  return Math.floor(Date.UTC(year, monthIndex, date, hour, minute, second) / 1000);
}

/** Seconds since the epoch as an IMF-fixdate (`toUTCString()` is exactly that layout). */
export function formatHttpDate(seconds: number): string {
  return new Date(seconds * 1000).toUTCString();
}
