/**
 * The torture corpus (categories after RFC 4475): every valid message parses,
 * matches what the manifest says about it and survives a serialize/parse round
 * trip; every invalid one comes back as a ParseError with the expected status
 * and reason.
 */
import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  formatUri,
  parseMessage,
  parseNameAddr,
  ParseError,
  serializeMessage,
  type SipMessage,
  type Uri,
} from '../../../src/sip/messages/index.js';
import { invalidFixture, manifest, SIP_FIXTURES, validFixture, type ValidExpect } from '../sip-fixtures.js';

function sipPart(uri: Uri | undefined, part: 'user' | 'host' | 'port'): unknown {
  return uri?.kind === 'sip' ? uri[part] : undefined;
}

function checkExpectations(msg: SipMessage, e: ValidExpect): void {
  if (e.method !== undefined) assert.equal(msg.isRequest() && msg.method, e.method);
  if (e.status !== undefined) assert.equal(msg.isResponse() && msg.status, e.status);
  if (e.reason !== undefined) assert.equal(msg.isResponse() && msg.reason, e.reason);
  if (e.callId !== undefined) assert.equal(msg.callId, e.callId);
  if (e.vias !== undefined) assert.equal(msg.vias.length, e.vias);
  if (e.contacts !== undefined) assert.equal(msg.contacts.length, e.contacts);
  if (e.contactStar !== undefined) assert.equal(msg.contactStar, e.contactStar);
  if (e.contactQ !== undefined) assert.equal(msg.contact?.q, e.contactQ);
  if (e.contactExpires !== undefined) assert.equal(msg.contact?.expires, e.contactExpires);
  if (e.bodyLength !== undefined) assert.equal(msg.body.length, e.bodyLength);
  if (e.body !== undefined) assert.equal(msg.body.toString('utf8'), e.body);
  const ruri = msg.isRequest() ? msg.ruri : undefined;
  if (e.ruri !== undefined) assert.equal(ruri && formatUri(ruri), e.ruri);
  if (e.ruriUser !== undefined) assert.equal(sipPart(ruri, 'user'), e.ruriUser);
  if (e.ruriHost !== undefined) assert.equal(sipPart(ruri, 'host'), e.ruriHost);
  if (e.ruriPort !== undefined) assert.equal(sipPart(ruri, 'port'), e.ruriPort);
  if (e.ruriScheme !== undefined) assert.equal(ruri?.scheme, e.ruriScheme);
  if (e.ruriParam !== undefined) {
    assert.equal(ruri?.kind === 'sip' ? ruri.params.get(e.ruriParam[0]) : undefined, e.ruriParam[1]);
  }
  if (e.fromTag !== undefined) assert.equal(msg.from?.tag, e.fromTag);
  if (e.toTag !== undefined) assert.equal(msg.to?.tag, e.toTag);
  if (e.fromUser !== undefined) assert.equal(sipPart(msg.from?.uri, 'user'), e.fromUser);
  if (e.toUser !== undefined) assert.equal(sipPart(msg.to?.uri, 'user'), e.toUser);
  if (e.toParam !== undefined) {
    const uri = msg.to?.uri;
    assert.equal(uri?.kind === 'sip' ? uri.params.get(e.toParam[0]) : undefined, e.toParam[1]);
  }
  if (e.toScheme !== undefined) assert.equal(msg.to?.uri.scheme, e.toScheme);
  if (e.toNumber !== undefined) assert.equal(msg.to?.uri.kind === 'tel' && msg.to.uri.number, e.toNumber);
  if (e.toDisplayName !== undefined) assert.equal(msg.to?.displayName, e.toDisplayName);
  if (e.fromDisplayName !== undefined) assert.equal(msg.from?.displayName, e.fromDisplayName);
  if (e.cseq !== undefined) assert.equal(msg.cseq?.seq, e.cseq);
  if (e.maxForwards !== undefined) assert.equal(msg.maxForwards, e.maxForwards);
  if (e.viaHost !== undefined) assert.equal(msg.via?.host, e.viaHost);
  if (e.viaRport !== undefined) assert.equal(msg.via?.rport, e.viaRport);
  if (e.viaReceived !== undefined) assert.equal(msg.via?.received, e.viaReceived);
  if (e.referToHeaders !== undefined) {
    const referTo = parseNameAddr(msg.getHeader('Refer-To') ?? '', 'Refer-To');
    assert.deepEqual(referTo.uri.kind === 'sip' ? referTo.uri.headers : undefined, e.referToHeaders);
  }
  for (const [name, values] of Object.entries(e.headers ?? {}))
    assert.deepEqual(msg.getHeaders(name), values);
}

/** What must survive a round trip: start line, every header entry, typed views, body. */
function semantic(msg: SipMessage): unknown {
  return {
    start: msg.isRequest()
      ? [msg.method, formatUri(msg.ruri)]
      : msg.isResponse()
        ? [msg.status, msg.reason]
        : [],
    headers: msg.headers.entries().filter((h) => h.name !== 'Content-Length'),
    vias: msg.vias,
    from: msg.from,
    to: msg.to,
    contacts: msg.contacts,
    cseq: msg.cseq,
    body: msg.body.toString('hex'),
  };
}

test('the manifest lists every fixture file, and every file is in the manifest', () => {
  for (const kind of ['valid', 'invalid'] as const) {
    const files = readdirSync(join(SIP_FIXTURES, kind))
      .filter((f) => f.endsWith('.sip'))
      .sort();
    assert.deepEqual(files, Object.keys(manifest[kind]).sort());
  }
});

for (const [name, expect] of Object.entries(manifest.valid)) {
  test(`valid fixture ${name} parses, matches its manifest and round-trips`, () => {
    const result = parseMessage(validFixture(name), { transport: expect.transport });
    assert.ok(result.ok, result.ok ? '' : result.error.reason);
    checkExpectations(result.message, expect);
    const wire = serializeMessage(result.message);
    const again = parseMessage(wire, { transport: 'stream' });
    assert.ok(again.ok, again.ok ? '' : again.error.reason);
    assert.deepEqual(semantic(again.message), semantic(result.message));
    // Canonical output is a fixed point.
    assert.ok(serializeMessage(again.message).equals(wire));
  });
}

for (const [name, expect] of Object.entries(manifest.invalid)) {
  test(`invalid fixture ${name} is refused with ${expect.status} "${expect.reason}"`, () => {
    const result = parseMessage(invalidFixture(name), { transport: expect.transport });
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.ok(result.error instanceof ParseError);
    assert.equal(result.error.status, expect.status);
    assert.ok(
      result.error.reason.includes(expect.reason),
      `reason "${result.error.reason}" should contain "${expect.reason}"`,
    );
  });
}
