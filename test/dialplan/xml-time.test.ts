/** Time attributes: parsing, bounds and wrap-around, and wall-clock fields in a time zone. */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { localTime, matchTime, parseTimeSpec } from '../../src/dialplan/xml/time-match.js';

/** Does a condition with `attrs` match at `iso` in Europe/Berlin? */
function matchesAt(attrs: Record<string, string>, iso: string): boolean {
  const { spec, errors } = parseTimeSpec(attrs);
  assert.deepEqual(errors, [], JSON.stringify(attrs));
  assert.ok(spec);
  return matchTime(spec, localTime(Date.parse(iso), 'Europe/Berlin'));
}

test('local fields of an instant in Berlin, including the week counters', () => {
  // 2024-03-04 is a Monday; 09:30 CET.
  const t = localTime(Date.parse('2024-03-04T08:30:15Z'), 'Europe/Berlin');
  assert.deepEqual(
    [t.year, t.mon, t.mday, t.yday, t.wday, t.hour, t.minute, t.second, t.week, t.mweek],
    [2024, 3, 4, 64, 2, 9, 30, 15, 10, 2],
  );
  assert.equal(t['minute-of-day'], 9 * 60 + 30 + 1);
  const nye = localTime(Date.parse('2024-12-31T23:30:00Z'), 'Europe/Berlin');
  assert.deepEqual([nye.year, nye.mon, nye.mday, nye.yday, nye.hour], [2025, 1, 1, 1, 0]);
});

test('each attribute matches and misses at the times it should', () => {
  const at = '2024-03-04T08:30:15Z'; // Monday 2024-03-04 09:30:15 in Berlin
  const rows: [Record<string, string>, boolean][] = [
    [{ wday: '2' }, true],
    [{ wday: 'mon' }, true],
    [{ wday: 'Monday' }, true],
    [{ wday: 'mon-fri' }, true],
    [{ wday: 'sat,sun' }, false],
    [{ wday: 'fri-mon' }, true],
    [{ wday: '1,7' }, false],
    [{ hour: '9' }, true],
    [{ hour: '22-8' }, false],
    [{ minute: '30' }, true],
    [{ minute: '0-29' }, false],
    [{ 'minute-of-day': '571' }, true],
    [{ 'minute-of-day': '1-570' }, false],
    [{ 'time-of-day': '08:00-17:00' }, true],
    [{ 'time-of-day': '09:30:16-10:00' }, false],
    [{ 'time-of-day': '22:00-06:00,09:00-09:31' }, true],
    [{ mon: '3' }, true],
    [{ mon: 'mar' }, true],
    [{ mon: '4-12' }, false],
    [{ mday: '1-7' }, true],
    [{ yday: '64' }, true],
    [{ week: '10' }, true],
    [{ mweek: '2' }, true],
    [{ mweek: '1' }, false],
    [{ year: '2024' }, true],
    [{ year: '2020-2023' }, false],
    [{ 'date-time': '2024-03-04 09:00~2024-03-04 10:00' }, true],
    [{ 'date-time': '2024-03-04 09:31~2024-03-04 10:00' }, false],
    [{ wday: 'mon', 'time-of-day': '18:00-19:00' }, false],
  ];
  for (const [attrs, want] of rows) assert.equal(matchesAt(attrs, at), want, JSON.stringify(attrs));
});

test('bad time attributes are reported, one message each', () => {
  const rows: [Record<string, string>, RegExp][] = [
    [{ wday: '8' }, /wday="8": 8 is outside 1-7/],
    [{ wday: 'funday' }, /not a number or day name/],
    [{ hour: '24' }, /outside 0-23/],
    [{ 'time-of-day': '8-17' }, /not HH:MM/],
    [{ 'time-of-day': '25:00-26:00' }, /not a time of day/],
    [{ 'date-time': '2024-02-30 10:00~2024-03-01 10:00' }, /not a real date/],
    [{ 'date-time': '2024-03-02 10:00~2024-03-01 10:00' }, /ends before it starts/],
    [{ year: '2025-2024' }, /ends before it starts/],
    [{ mon: '1,,2' }, /empty item/],
    [{ tz: 'Mars/Olympus' }, /not a time zone/],
  ];
  for (const [attrs, why] of rows) {
    const { errors } = parseTimeSpec(attrs);
    assert.equal(errors.length, 1, JSON.stringify(attrs));
    assert.match(errors[0] ?? '', why);
  }
  assert.equal(parseTimeSpec({ field: 'destination_number' }).spec, undefined);
});
