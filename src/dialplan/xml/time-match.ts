/**
 * Time-of-day routing: the calendar attributes a `<condition>` may carry
 * (FreeSWITCH's wday, hour, time-of-day, date-time and friends). They are
 * parsed once when the dialplan compiles, and matched against the wall-clock
 * fields of "now" in the condition's time zone.
 *
 * Values are comma lists of single values and `a-b` ranges. A range whose start
 * is after its end wraps around (`wday="fri-mon"`, `hour="22-6"`,
 * `time-of-day="22:00-06:00"`), except for `year` and `date-time`, which have
 * no cycle.
 */

/** The numeric calendar attributes and their legal bounds. */
const NUMERIC_FIELDS = {
  year: [0, 9999],
  yday: [1, 366],
  mon: [1, 12],
  mday: [1, 31],
  week: [1, 53],
  mweek: [1, 6],
  wday: [1, 7],
  hour: [0, 23],
  minute: [0, 59],
  'minute-of-day': [1, 1440],
} as const;

export type NumericField = keyof typeof NUMERIC_FIELDS;

/** Every attribute this module reads from a condition. */
export const TIME_ATTRIBUTES: readonly string[] = [
  ...Object.keys(NUMERIC_FIELDS),
  'time-of-day',
  'date-time',
];

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

type Range = readonly [number, number];

export interface TimeSpec {
  numeric: { field: NumericField; ranges: Range[] }[];
  /** Seconds since local midnight, inclusive at both ends. */
  timeOfDay?: Range[];
  /** Local wall-clock instants as if they were UTC milliseconds, inclusive. */
  dateTime?: Range[];
  /** IANA zone name; undefined means the channel's `timezone` variable or the host's zone. */
  tz?: string;
}

/** The wall-clock fields of one instant in one zone, numbered as the attributes number them. */
export interface LocalTime {
  year: number;
  yday: number;
  mon: number;
  mday: number;
  week: number;
  mweek: number;
  /** 1 = Sunday ... 7 = Saturday. */
  wday: number;
  hour: number;
  minute: number;
  'minute-of-day': number;
  second: number;
  /** The wall-clock reading encoded as UTC milliseconds, for date-time comparisons. */
  wallMs: number;
}

/**
 * Reads the time attributes of a condition. Returns no spec when it has none,
 * and one message per bad attribute.
 */
export function parseTimeSpec(attrs: Readonly<Record<string, string>>): {
  spec?: TimeSpec;
  errors: string[];
} {
  const errors: string[] = [];
  const spec: TimeSpec = { numeric: [] };
  let any = false;
  for (const field of Object.keys(NUMERIC_FIELDS) as NumericField[]) {
    const value = attrs[field];
    if (value === undefined) continue;
    any = true;
    const ranges = parseList(value, (tok) => parseNumericToken(field, tok), field !== 'year');
    if (typeof ranges === 'string') errors.push(`${field}="${value}": ${ranges}`);
    else spec.numeric.push({ field, ranges });
  }
  const tod = attrs['time-of-day'];
  if (tod !== undefined) {
    any = true;
    const ranges = parseList(tod, parseClock, true, '-');
    if (typeof ranges === 'string') errors.push(`time-of-day="${tod}": ${ranges}`);
    else spec.timeOfDay = ranges;
  }
  const dt = attrs['date-time'];
  if (dt !== undefined) {
    any = true;
    const ranges = parseList(dt, parseDateTime, false, '~');
    if (typeof ranges === 'string') errors.push(`date-time="${dt}": ${ranges}`);
    else spec.dateTime = ranges;
  }
  const tz = attrs['tz'];
  if (tz !== undefined) {
    if (isValidZone(tz)) spec.tz = tz;
    else errors.push(`tz="${tz}": not a time zone this Node.js knows (use an IANA name like Europe/Berlin)`);
  }
  return any ? { spec, errors } : { errors };
}

/** True when every attribute of the spec matches `t`. */
export function matchTime(spec: TimeSpec, t: LocalTime): boolean {
  for (const { field, ranges } of spec.numeric) {
    if (!inRanges(ranges, t[field])) return false;
  }
  if (spec.timeOfDay && !inRanges(spec.timeOfDay, t.hour * 3600 + t.minute * 60 + t.second)) return false;
  if (spec.dateTime && !inRanges(spec.dateTime, t.wallMs)) return false;
  return true;
}

function inRanges(ranges: readonly Range[], v: number): boolean {
  for (const [a, b] of ranges) {
    if (a <= b ? v >= a && v <= b : v >= a || v <= b) return true;
  }
  return false;
}

/** Parses `x,y-z,...` with `parse` for each end; returns an error message on failure. */
function parseList(
  text: string,
  parse: (tok: string) => number | string,
  wraps: boolean,
  dash = '-',
): Range[] | string {
  const ranges: Range[] = [];
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (item === '') return 'empty item in list';
    const cut = item.indexOf(dash);
    const lo = parse(cut < 0 ? item : item.slice(0, cut).trim());
    const hi = cut < 0 ? lo : parse(item.slice(cut + 1).trim());
    if (typeof lo === 'string') return lo;
    if (typeof hi === 'string') return hi;
    if (lo > hi && !wraps) return `range "${item}" ends before it starts`;
    ranges.push([lo, hi]);
  }
  return ranges;
}

function parseNumericToken(field: NumericField, tok: string): number | string {
  const lower = tok.toLowerCase();
  if (field === 'wday') {
    const i = DAY_NAMES.findIndex((d) => lower.startsWith(d) && isDayName(lower, d));
    if (i >= 0) return i + 1;
  }
  if (field === 'mon') {
    const i = MONTH_NAMES.indexOf(lower.slice(0, 3));
    if (i >= 0 && /^[a-z]+$/.test(lower)) return i + 1;
  }
  if (!/^\d+$/.test(tok)) return `"${tok}" is not a number${field === 'wday' ? ' or day name' : ''}`;
  const n = Number(tok);
  const [min, max] = NUMERIC_FIELDS[field];
  if (n < min || n > max) return `${n} is outside ${min}-${max}`;
  return n;
}

/** `mon`, `monday` and `Mon` all name Monday; `monk` does not. */
function isDayName(lower: string, short: string): boolean {
  const full = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
  return lower === short || full.includes(lower);
}

/** `HH:MM` or `HH:MM:SS` → seconds since midnight. */
function parseClock(tok: string): number | string {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(tok);
  if (!m) return `"${tok}" is not HH:MM or HH:MM:SS`;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  const s = Number(m[3] ?? '0');
  if (h > 23 || mi > 59 || s > 59) return `"${tok}" is not a time of day`;
  return h * 3600 + mi * 60 + s;
}

/** `YYYY-MM-DD HH:MM[:SS]` → wall-clock milliseconds. */
function parseDateTime(tok: string): number | string {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(tok);
  if (!m) return `"${tok}" is not YYYY-MM-DD HH:MM[:SS]`;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return `"${tok}" is not a real date and time`;
  }
  return ms;
}

const knownZones = new Set<string>();

function isValidZone(tz: string): boolean {
  if (knownZones.has(tz)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    knownZones.add(tz);
    return true;
  } catch {
    return false;
  }
}

/** Formatters are costly to build, so one is kept per zone ('' = the host's zone). */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string | undefined): Intl.DateTimeFormat {
  const key = tz ?? '';
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      ...(tz ? { timeZone: tz } : {}),
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(key, f);
  }
  return f;
}

/** The wall-clock fields of `epochMs` in zone `tz` (the host's zone when undefined). */
export function localTime(epochMs: number, tz?: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(tz).formatToParts(new Date(epochMs))) parts[p.type] = p.value;
  const year = Number(parts['year']);
  const mon = Number(parts['month']);
  const mday = Number(parts['day']);
  const hour = Number(parts['hour']) % 24;
  const minute = Number(parts['minute']);
  const second = Number(parts['second']);
  const wday0 = DAY_NAMES.indexOf((parts['weekday'] ?? '').toLowerCase().slice(0, 3));
  const dayMs = Date.UTC(year, mon - 1, mday);
  const yday = Math.round((dayMs - Date.UTC(year, 0, 1)) / 86_400_000) + 1;
  // Weekday (0 = Sunday) of the 1st of the month, to count calendar rows of the month.
  const firstWday0 = (((wday0 - (mday - 1)) % 7) + 7) % 7;
  return {
    year,
    yday,
    mon,
    mday,
    week: Math.floor((yday - 1) / 7) + 1,
    mweek: Math.ceil((mday + firstWday0) / 7),
    wday: wday0 + 1,
    hour,
    minute,
    'minute-of-day': hour * 60 + minute + 1,
    second,
    wallMs: Date.UTC(year, mon - 1, mday, hour, minute, second),
  };
}
