// Times as the lists and file names show them. Hand-written rather than
// date-fns: importing date-fns' distance and format costs 50-150 ms at every
// start, and the picker sits on the path of every resume (issue 16). The
// rules are date-fns' own (formatDistanceStrict, rounding to nearest), and a
// test holds them to its answers.

const MINUTE = 60_000;
const DAY_MINUTES = 1440;
const MONTH_MINUTES = 43_200; // 30 days, as date-fns counts a month
const YEAR_MINUTES = 525_600; // 365 days

const SHORT = { second: 's', minute: 'm', hour: 'h', day: 'd', month: 'mo', year: 'y' } as const;

/** "5m ago", "3d ago", "1mo ago", "in 2h": the distance in the largest whole unit, for narrow columns. */
export function relativeTime(iso: string, now: Date): string {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return '-';
  const ms = now.getTime() - when.getTime();
  const [n, unit] = distance(Math.abs(ms));
  const text = `${n}${SHORT[unit]}`;
  return ms >= 0 ? `${text} ago` : `in ${text}`;
}

function distance(ms: number): [number, keyof typeof SHORT] {
  const minutes = ms / MINUTE;
  if (minutes < 1) return [Math.round(ms / 1000), 'second'];
  if (minutes < 60) return [Math.round(minutes), 'minute'];
  if (minutes < DAY_MINUTES) return [Math.round(minutes / 60), 'hour'];
  if (minutes < MONTH_MINUTES) return [Math.round(minutes / DAY_MINUTES), 'day'];
  if (minutes < YEAR_MINUTES) {
    const months = Math.round(minutes / MONTH_MINUTES);
    return months === 12 ? [1, 'year'] : [months, 'month'];
  }
  return [Math.round(minutes / YEAR_MINUTES), 'year'];
}

const two = (n: number): string => String(n).padStart(2, '0');

/** `2026-12-08 09:30:00`, local time. */
export function dateTime(d: Date): string {
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** `20261208-093000`, local time: sorts as it reads (trash entry ids). */
export function compactStamp(d: Date): string {
  return `${d.getFullYear()}${two(d.getMonth() + 1)}${two(d.getDate())}-${two(d.getHours())}${two(d.getMinutes())}${two(d.getSeconds())}`;
}
