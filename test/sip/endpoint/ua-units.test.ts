/** Unit tests of the UA layer: the cause mapping and in-dialog request building. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMessageOrThrow, SipRequest, SipResponse } from '../../../src/sip/messages/index.js';
import { causeForStatus, Dialog, DialogState, statusForCause } from '../../../src/sip/ua/index.js';
import { BanList } from '../../../src/endpoints/sip/ban-list.js';
import { RtpPortPool } from '../../../src/endpoints/sip/media-hooks.js';
import { parseDialTarget } from '../../../src/endpoints/sip/sip-endpoint.js';

describe('SIP ↔ Q.850 mapping (RFC 3398)', () => {
  it('maps final responses to causes', () => {
    assert.equal(causeForStatus(486), 'USER_BUSY');
    assert.equal(causeForStatus(404), 'UNALLOCATED_NUMBER');
    assert.equal(causeForStatus(480), 'NO_USER_RESPONSE');
    assert.equal(causeForStatus(487), 'ORIGINATOR_CANCEL');
    assert.equal(causeForStatus(603), 'CALL_REJECTED');
    assert.equal(causeForStatus(302), 'REDIRECTION_TO_NEW_DESTINATION');
    assert.equal(causeForStatus(599), 'NORMAL_TEMPORARY_FAILURE');
  });
  it('maps causes to final responses', () => {
    assert.equal(statusForCause('USER_BUSY'), 486);
    assert.equal(statusForCause('NO_ANSWER'), 480);
    assert.equal(statusForCause('UNALLOCATED_NUMBER'), 404);
    assert.equal(statusForCause('NO_ROUTE_DESTINATION'), 404);
    assert.equal(statusForCause('CALL_REJECTED'), 603);
    assert.equal(statusForCause('NORMAL_TEMPORARY_FAILURE'), 503);
    assert.equal(statusForCause('NORMAL_CLEARING'), 480);
  });
});

const INVITE = [
  'INVITE sip:bob@b.example SIP/2.0',
  'Via: SIP/2.0/UDP a.example;branch=z9hG4bK1',
  'Record-Route: <sip:p2.example;lr>',
  'Record-Route: <sip:p1.example;lr>',
  'From: "Alice" <sip:alice@a.example>;tag=at',
  'To: <sip:bob@b.example>',
  'Call-ID: c1',
  'CSeq: 7 INVITE',
  'Contact: <sip:alice@10.0.0.1:5070>',
  'Max-Forwards: 70',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

describe('Dialog (RFC 3261 §12)', () => {
  it('a UAS dialog sends BYE to the caller Contact through the Record-Route set in order', () => {
    const req = parseMessageOrThrow(INVITE) as SipRequest;
    const d = Dialog.asUas(req, 'bt', '<sip:bob@b.example>', 'UDP');
    assert.equal(d.remoteSeq, 7);
    const bye = d.createRequest('BYE');
    assert.equal(bye.getHeader('To'), '"Alice" <sip:alice@a.example>;tag=at');
    assert.equal(bye.getHeader('From'), '<sip:bob@b.example>;tag=bt');
    assert.deepEqual(bye.getHeaders('Route'), ['<sip:p2.example;lr>', '<sip:p1.example;lr>']);
    assert.equal(bye.ruri.kind === 'sip' && bye.ruri.host, '10.0.0.1');
    assert.equal(bye.cseq?.seq, 1);
    assert.deepEqual(d.nextHop(), { host: 'p2.example', transport: 'UDP' });
  });

  it('a UAC dialog reverses the route set and refuses an out-of-order CSeq', () => {
    const req = parseMessageOrThrow(INVITE) as SipRequest;
    const res = new SipResponse(200, 'OK');
    for (const rr of req.getHeaders('Record-Route')) res.addHeader('Record-Route', rr);
    res.addHeader('To', '<sip:bob@b.example>;tag=bt');
    res.addHeader('Contact', '<sip:bob@10.0.0.2>');
    const d = Dialog.asUac(req, res, '<sip:alice@a.example>', 'UDP');
    assert.deepEqual(d.routeSet, ['<sip:p1.example;lr>', '<sip:p2.example;lr>']);
    assert.equal(d.createRequest('BYE').cseq?.seq, 8);
    const bye = new SipRequest('BYE', req.ruri);
    bye.addHeader('CSeq', '5 BYE');
    assert.equal(d.receiveRequest(bye), true);
    bye.setHeader('CSeq', '4 BYE');
    assert.equal(d.receiveRequest(bye), false);
    d.transition(DialogState.Confirmed);
    assert.throws(() => d.transition(DialogState.Early), /cannot move/);
  });
});

describe('endpoint helpers', () => {
  it('bans an address after the configured failures in the window', () => {
    let now = 0;
    const b = new BanList({ maxFailures: 2, windowMs: 1000, banMs: 5000, now: () => now });
    assert.equal(b.fail('1.2.3.4'), false);
    now = 2000;
    assert.equal(b.fail('1.2.3.4'), false, 'the first failure fell out of the window');
    assert.equal(b.fail('1.2.3.4'), true);
    assert.equal(b.isBanned('1.2.3.4'), true);
    now = 7001;
    assert.equal(b.isBanned('1.2.3.4'), false);
  });

  it('hands out even RTP ports and runs out when the range is full', () => {
    const pool = new RtpPortPool(101, 105);
    assert.equal(pool.take(), 102);
    assert.equal(pool.take(), 104);
    assert.equal(pool.take(), undefined);
    pool.give(102);
    assert.equal(pool.take(), 102);
  });

  it('reads fs_path from a dial target as the address to send to', () => {
    const t = parseDialTarget('1000@192.168.1.5:5062;fs_path=203.0.113.9:40000');
    assert.equal(t?.ruri.host, '192.168.1.5');
    assert.equal(t?.ruri.params.has('fs_path'), false);
    assert.deepEqual(t?.path, { host: '203.0.113.9', port: 40000, transport: 'UDP' });
    assert.equal(parseDialTarget('tel:+15550100'), undefined);
  });
});
