/**
 * HTTP-date parsing (RFC 9110 §5.6.7). A recipient MUST accept all three formats:
 *
 *   IMF-fixdate  Sun, 06 Nov 1994 08:49:37 GMT
 *   rfc850-date  Sunday, 06-Nov-94 08:49:37 GMT      (obsolete)
 *   asctime-date Sun Nov  6 08:49:37 1994             (obsolete)
 *
 * Strict otherwise: anything else (another zone, a missing part, 31 Feb) is not a date, and a
 * conditional field holding it is ignored as §13.1.3 and §13.1.4 say. Date.parse is not used: it
 * accepts far more than HTTP-date and its leniency differs between engines.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY_NAMES = 'Mon|Tue|Wed|Thu|Fri|Sat|Sun';
const LONG_DAY_NAMES = 'Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday';
const MONTH_NAMES = MONTHS.join('|');

const IMF_FIXDATE = new RegExp(`^(?:${DAY_NAMES}), (\\d{2}) (${MONTH_NAMES}) (\\d{4}) (\\d{2}):(\\d{2}):(\\d{2}) GMT$`);
const RFC850_DATE = new RegExp(`^(?:${LONG_DAY_NAMES}), (\\d{2})-(${MONTH_NAMES})-(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2}) GMT$`);
const ASCTIME_DATE = new RegExp(`^(?:${DAY_NAMES}) (${MONTH_NAMES}) ([ \\d]\\d) (\\d{2}):(\\d{2}):(\\d{2}) (\\d{4})$`);

/** Milliseconds since the epoch (a whole second), or undefined when `value` is not an HTTP-date. */
export function parseHttpDate(value: string, now: number): number | undefined {
  if (typeof value !== 'string' || value.length > 64) return undefined;
  const v = value.trim();
  let m = IMF_FIXDATE.exec(v);
  if (m !== null) return build(Number(m[3]), m[2]!, Number(m[1]), m[4]!, m[5]!, m[6]!);
  m = RFC850_DATE.exec(v);
  if (m !== null) return build(twoDigitYear(Number(m[3]), now), m[2]!, Number(m[1]), m[4]!, m[5]!, m[6]!);
  m = ASCTIME_DATE.exec(v);
  if (m !== null) return build(Number(m[6]), m[1]!, Number(m[2]!.trim()), m[3]!, m[4]!, m[5]!);
  return undefined;
}

/**
 * RFC 9110 §5.6.7: a two-digit year that "appears to be more than 50 years in the future" is the
 * most recent past year with the same last two digits.
 */
function twoDigitYear(yy: number, now: number): number {
  const current = new Date(now).getUTCFullYear();
  let year = current - (current % 100) + yy;
  if (year > current + 50) year -= 100;
  return year;
}

function build(year: number, month: string, day: number, hh: string, mm: string, ss: string): number | undefined {
  const mon = MONTHS.indexOf(month);
  const h = Number(hh);
  const min = Number(mm);
  // second = 2DIGIT; 60 is a leap second (RFC 5322 §3.3), which has no epoch value of its own.
  const s = Math.min(Number(ss), 59);
  if (h > 23 || min > 59 || Number(ss) > 60 || day < 1) return undefined;
  const t = Date.UTC(year, mon, day, h, min, s);
  // Date.UTC rolls 31 Feb over into March: such a date does not exist.
  if (new Date(t).getUTCDate() !== day) return undefined;
  return t;
}

/** IMF-fixdate of a time in ms (truncated to the second), for Last-Modified. */
export function formatHttpDate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toUTCString();
}
