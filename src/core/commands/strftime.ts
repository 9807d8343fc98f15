/**
 * A strftime(3) formatter in local time, for the `strftime` API command. It
 * covers the POSIX conversions that dialplans use; an unknown conversion is
 * copied through unchanged.
 */
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function pad(n: number, width = 2, fill = '0'): string {
  return String(n).padStart(width, fill);
}

function dayOfYear(d: Date): number {
  const start = new Date(d.getFullYear(), 0, 1);
  return Math.floor((d.getTime() - start.getTime()) / 86_400_000) + 1;
}

function tzOffset(d: Date): string {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  return `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

function tzName(d: Date): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })
    .formatToParts(d)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? tzOffset(d);
}

function conversion(c: string, d: Date): string | undefined {
  const h12 = d.getHours() % 12 === 0 ? 12 : d.getHours() % 12;
  switch (c) {
    case 'a':
      return (DAYS[d.getDay()] ?? '').slice(0, 3);
    case 'A':
      return DAYS[d.getDay()] ?? '';
    case 'b':
    case 'h':
      return (MONTHS[d.getMonth()] ?? '').slice(0, 3);
    case 'B':
      return MONTHS[d.getMonth()] ?? '';
    case 'C':
      return pad(Math.floor(d.getFullYear() / 100));
    case 'd':
      return pad(d.getDate());
    case 'e':
      return pad(d.getDate(), 2, ' ');
    case 'H':
      return pad(d.getHours());
    case 'I':
      return pad(h12);
    case 'j':
      return pad(dayOfYear(d), 3);
    case 'm':
      return pad(d.getMonth() + 1);
    case 'M':
      return pad(d.getMinutes());
    case 'n':
      return '\n';
    case 'p':
      return d.getHours() < 12 ? 'AM' : 'PM';
    case 's':
      return String(Math.floor(d.getTime() / 1000));
    case 'S':
      return pad(d.getSeconds());
    case 't':
      return '\t';
    case 'u':
      return String(d.getDay() === 0 ? 7 : d.getDay());
    case 'w':
      return String(d.getDay());
    case 'y':
      return pad(d.getFullYear() % 100);
    case 'Y':
      return String(d.getFullYear());
    case 'z':
      return tzOffset(d);
    case 'Z':
      return tzName(d);
    case '%':
      return '%';
    default:
      return undefined;
  }
}

/** Composite conversions, expanded before the simple ones. */
const COMPOSITES: Readonly<Record<string, string>> = {
  D: '%m/%d/%y',
  F: '%Y-%m-%d',
  R: '%H:%M',
  T: '%H:%M:%S',
  r: '%I:%M:%S %p',
  c: '%a %b %e %H:%M:%S %Y',
  x: '%m/%d/%y',
  X: '%H:%M:%S',
};

export function strftime(format: string, date: Date): string {
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i] ?? '';
    if (ch !== '%' || i + 1 >= format.length) {
      out += ch;
      continue;
    }
    const c = format[++i] ?? '';
    const composite = COMPOSITES[c];
    if (composite !== undefined) {
      out += strftime(composite, date);
      continue;
    }
    out += conversion(c, date) ?? `%${c}`;
  }
  return out;
}
