import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { buildCallerId, callerIdDateTime, parseCallerId, parseCallerIdHex } from '../../src/tdm/caller-id.js';

/** Appends the checksum byte (the sum of every byte is 0 modulo 256), as on the line. */
function withChecksum(msg: Uint8Array): Uint8Array {
  const sum = msg.reduce((a, b) => (a + b) & 0xff, 0);
  return Uint8Array.from([...msg, (256 - sum) & 0xff]);
}

describe('FSK caller ID messages', () => {
  test('a GR-30 SDMF message from its bytes: date, time and number', () => {
    const body = [...'01151230', ...'5551234567'].map((c) => c.charCodeAt(0));
    const m = parseCallerId(withChecksum(Uint8Array.from([0x04, body.length, ...body])));
    assert.deepEqual(m, { format: 'sdmf', dateTime: '01151230', number: '5551234567', name: '' });
  });

  test('SDMF with a private number gives no number and says why', () => {
    const body = [...'01151230P'].map((c) => c.charCodeAt(0));
    const m = parseCallerId(Uint8Array.from([0x04, body.length, ...body]));
    assert.equal(m.number, '');
    assert.equal(m.numberAbsent, 'private');
  });

  test('MDMF built and read back: number, name, date and time; checksum checked', () => {
    const msg = buildCallerId({
      format: 'mdmf',
      number: '4045551234',
      name: 'ACME LTD',
      dateTime: '12250830',
    });
    assert.equal(msg[0], 0x80);
    assert.equal(msg[1], msg.length - 2);
    const m = parseCallerId(withChecksum(msg));
    assert.deepEqual(m, { format: 'mdmf', dateTime: '12250830', number: '4045551234', name: 'ACME LTD' });
    const corrupt = withChecksum(msg);
    corrupt[5] = (corrupt[5] ?? 0) ^ 1;
    assert.throws(() => parseCallerId(corrupt), /checksum/);
  });

  test('MDMF without a number carries the absence reason; names are cut to 15 characters', () => {
    const m = parseCallerId(
      buildCallerId({ format: 'mdmf', number: 'anonymous', name: 'A VERY LONG CALLER NAME' }),
    );
    assert.equal(m.number, '');
    assert.equal(m.numberAbsent, 'unavailable');
    assert.equal(m.name, 'A VERY LONG CAL');
    assert.match(m.dateTime, /^\d{8}$/);
  });

  test('bad input is refused with a reason', () => {
    assert.throws(() => parseCallerIdHex('zz'), /not hex/);
    assert.throws(() => parseCallerIdHex('8005020a'), /length byte says 5/);
    assert.throws(() => parseCallerIdHex('0b00'), /type 0xb/);
    assert.throws(() => parseCallerIdHex('8004020a3132'), /runs past/);
  });

  test('callerIdDateTime is MMDDHHMM in local time', () => {
    assert.equal(callerIdDateTime(new Date(2026, 0, 5, 7, 9)), '01050709');
  });
});
