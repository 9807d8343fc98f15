import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  answerOffer,
  applyAnswer,
  buildOffer,
  type CodecName,
  directionOf,
  parseSdp,
  rtpmaps,
  serializeSdp,
} from '../../../src/sip/sdp/index.js';

const PREFS: CodecName[] = ['opus', 'G722', 'PCMU', 'PCMA', 'telephone-event'];
const LOCAL = { ip: '192.0.2.10', port: 20000, sessionId: '1000' };

function remoteOffer(lines: string[]): string {
  return [
    'v=0',
    'o=remote 1 1 IN IP4 198.51.100.5',
    's=-',
    'c=IN IP4 198.51.100.5',
    't=0 0',
    ...lines,
    '',
  ].join('\r\n');
}

test('an offer lists static and dynamic codecs in preference order with rtpmap and fmtp', () => {
  const sd = buildOffer(PREFS, { ...LOCAL, ptime: 20 });
  const text = serializeSdp(sd);
  assert.match(text, /\r\nm=audio 20000 RTP\/AVP 96 9 0 8 97\r\n/);
  assert.match(text, /a=rtpmap:96 opus\/48000\/2\r\na=fmtp:96 useinbandfec=1\r\n/);
  assert.match(text, /a=rtpmap:9 G722\/8000\r\n/);
  assert.match(text, /a=rtpmap:97 telephone-event\/8000\r\na=fmtp:97 0-16\r\n/);
  assert.match(text, /a=ptime:20\r\na=sendrecv\r\n$/);
  assert.match(text, /\r\nc=IN IP4 192\.0\.2\.10\r\n/);
  assert.deepEqual(parseSdp(text), sd);
});

test('a remote using 101 for opus and 96 for telephone-event keeps those numbers', () => {
  const offer = parseSdp(
    remoteOffer([
      'm=audio 30000 RTP/AVP 101 96 0',
      'a=rtpmap:101 opus/48000/2',
      'a=rtpmap:96 telephone-event/8000',
      'a=fmtp:96 0-16',
    ]),
  );
  // Our own offers would put opus on 96: the answer must not.
  const result = answerOffer(offer, PREFS, LOCAL);
  assert.equal(result.codec?.name, 'opus');
  assert.equal(result.codec?.pt, 101);
  assert.equal(result.codec?.recvPt, 101);
  assert.equal(result.telephoneEventPt, 96);
  const media = result.answer.media[0];
  assert.ok(media);
  assert.deepEqual(media.formats, ['101', '96']);
  const maps = rtpmaps(media);
  assert.equal(maps.get(101)?.encoding, 'opus');
  assert.equal(maps.get(96)?.encoding, 'telephone-event');
  assert.deepEqual(result.remote, { ip: '198.51.100.5', port: 30000 });
  assert.equal(result.direction, 'sendrecv');
});

test('applyAnswer sends with the answer numbers and receives on ours, even when they differ', () => {
  const offer = buildOffer(PREFS, LOCAL); // opus=96, te=97
  const answer = parseSdp(
    remoteOffer([
      'm=audio 30002 RTP/AVP 101 96',
      'a=rtpmap:101 opus/48000/2',
      'a=rtpmap:96 telephone-event/8000',
      'a=sendrecv',
    ]),
  );
  const n = applyAnswer(offer, answer);
  assert.equal(n.codec?.name, 'opus');
  assert.equal(n.codec?.pt, 101);
  assert.equal(n.codec?.recvPt, 96);
  assert.equal(n.telephoneEventPt, 96);
  assert.deepEqual(n.remote, { ip: '198.51.100.5', port: 30002 });
});

test('our own offer answered by our own answerer agrees end to end', () => {
  const offer = buildOffer(['PCMA', 'PCMU', 'telephone-event'], LOCAL);
  const { answer, codec } = answerOffer(parseSdp(serializeSdp(offer)), ['PCMU', 'PCMA', 'telephone-event'], {
    ip: '192.0.2.20',
    port: 40000,
  });
  // The answerer's preference wins among what was offered.
  assert.equal(codec?.name, 'PCMU');
  const n = applyAnswer(offer, parseSdp(serializeSdp(answer)));
  assert.equal(n.codec?.name, 'PCMU');
  assert.equal(n.codec?.pt, 0);
  assert.equal(n.telephoneEventPt, 96);
  assert.deepEqual(n.remote, { ip: '192.0.2.20', port: 40000 });
});

test('static types without rtpmap are understood; G722 matches at its 8000 rtpmap rate', () => {
  const offer = parseSdp(remoteOffer(['m=audio 30000 RTP/AVP 18 9 8']));
  const result = answerOffer(offer, ['G722', 'PCMA'], LOCAL);
  assert.equal(result.codec?.name, 'G722');
  assert.equal(result.codec?.pt, 9);
  assert.equal(result.codec?.clockRate, 8000);
  assert.equal(result.telephoneEventPt, undefined);
});

test('hold: sendonly is answered recvonly, inactive inactive, c=0.0.0.0 as sendonly', () => {
  const hold = (dir: string, conn = 'c=IN IP4 198.51.100.5') =>
    answerOffer(
      parseSdp(
        [
          'v=0',
          'o=r 1 2 IN IP4 198.51.100.5',
          's=-',
          conn,
          't=0 0',
          'm=audio 30000 RTP/AVP 0',
          `a=${dir}`,
          '',
        ].join('\r\n'),
      ),
      PREFS,
      LOCAL,
    );
  for (const [offered, expected] of [
    ['sendonly', 'recvonly'],
    ['inactive', 'inactive'],
    ['recvonly', 'sendonly'],
    ['sendrecv', 'sendrecv'],
  ] as const) {
    const r = hold(offered);
    assert.equal(r.direction, expected, offered);
    const media = r.answer.media[0];
    assert.ok(media);
    assert.equal(directionOf(media, r.answer), expected);
  }
  assert.equal(hold('sendrecv', 'c=IN IP4 0.0.0.0').direction, 'recvonly');
  // Our own hold limits the answer too.
  const offer = parseSdp(remoteOffer(['m=audio 30000 RTP/AVP 0']));
  assert.equal(answerOffer(offer, PREFS, { ...LOCAL, direction: 'sendonly' }).direction, 'sendonly');
});

test('port 0, video, a second audio stream and no common codec are rejected with port 0', () => {
  const offer = parseSdp(
    remoteOffer([
      'm=audio 0 RTP/AVP 0',
      'm=video 30010 RTP/AVP 31',
      'm=audio 30020 RTP/AVP 3',
      'm=audio 30030 RTP/AVP 8',
      'm=audio 30040 RTP/AVP 0',
    ]),
  );
  const result = answerOffer(offer, PREFS, LOCAL);
  assert.deepEqual(
    result.answer.media.map((m) => [m.type, m.port, m.formats.join(' ')]),
    [
      ['audio', 0, '0'],
      ['video', 0, '31'],
      ['audio', 0, '3'],
      ['audio', 20000, '8'],
      ['audio', 0, '0'],
    ],
  );
  assert.equal(result.codec?.name, 'PCMA');
  const none = answerOffer(parseSdp(remoteOffer(['m=audio 30000 RTP/AVP 3 18'])), PREFS, LOCAL);
  assert.equal(none.rejected, true);
  assert.equal(none.codec, undefined);
  assert.equal(none.answer.media[0]?.port, 0);
});

test('a dynamic type without rtpmap, or opus at the wrong rate, is not a match', () => {
  const offer = parseSdp(remoteOffer(['m=audio 30000 RTP/AVP 96 97 0', 'a=rtpmap:97 opus/16000/1']));
  assert.equal(answerOffer(offer, ['opus', 'PCMU'], LOCAL).codec?.name, 'PCMU');
});

test('an answer that rejects our stream or picks an unoffered codec is a rejection', () => {
  const offer = buildOffer(['PCMU'], LOCAL);
  assert.equal(applyAnswer(offer, parseSdp(remoteOffer(['m=audio 0 RTP/AVP 0']))).rejected, true);
  assert.equal(applyAnswer(offer, parseSdp(remoteOffer(['m=audio 30000 RTP/AVP 8']))).rejected, true);
});

test('telephone-event keeps the profile rfc2833-pt in an offer and opus never takes that number', () => {
  for (const start of [96, 101]) {
    const sd = buildOffer(['opus', 'PCMU', 'telephone-event'], {
      ...LOCAL,
      ptDynStart: start,
      telephoneEventPt: 101,
    });
    const maps = rtpmaps(sd.media[0]!);
    assert.equal(maps.get(101)?.encoding, 'telephone-event', `start ${start}`);
    const opusPt = [...maps.entries()].find(([, m]) => m.encoding === 'opus')?.[0];
    assert.ok(opusPt !== undefined && opusPt !== 101, `opus on ${opusPt}`);
    // The answer to that offer reads both numbers back without mixing them up.
    const answer = parseSdp(
      remoteOffer([
        `m=audio 30000 RTP/AVP ${opusPt} 101`,
        `a=rtpmap:${opusPt} opus/48000/2`,
        'a=rtpmap:101 telephone-event/8000',
      ]),
    );
    const n = applyAnswer(sd, answer);
    assert.equal(n.codec?.name, 'opus');
    assert.equal(n.codec?.pt, opusPt);
    assert.equal(n.telephoneEventPt, 101);
  }
});

test('an offer with G729 preferred is answered with payload type 18 and annexb=no', () => {
  const offer = parseSdp(
    remoteOffer([
      'm=audio 30000 RTP/AVP 18 0 101',
      'a=rtpmap:18 G729/8000',
      'a=fmtp:18 annexb=yes',
      'a=rtpmap:101 telephone-event/8000',
    ]),
  );
  const result = answerOffer(offer, ['G729', 'PCMU', 'telephone-event'], LOCAL);
  assert.equal(result.codec?.name, 'G729');
  assert.equal(result.codec?.pt, 18);
  const text = serializeSdp(result.answer);
  assert.match(text, /\r\nm=audio 20000 RTP\/AVP 18 101\r\n/);
  // The engine sends no SID frames: the answer says so whatever the offer allowed.
  assert.match(text, /a=rtpmap:18 G729\/8000\r\na=fmtp:18 annexb=no\r\n/);
  // Not preferred: PCMU wins, and a static 18 with no rtpmap is still G729 when it is wanted.
  assert.equal(answerOffer(offer, ['PCMU', 'G729'], LOCAL).codec?.name, 'PCMU');
  const bare = parseSdp(remoteOffer(['m=audio 30000 RTP/AVP 18']));
  assert.equal(answerOffer(bare, ['G729'], LOCAL).codec?.pt, 18);
  assert.equal(answerOffer(bare, ['PCMU'], LOCAL).rejected, true);
});

test('our offer with G729 lists payload type 18 with annexb=no', () => {
  const text = serializeSdp(buildOffer(['G729', 'PCMA'], LOCAL));
  assert.match(text, /\r\nm=audio 20000 RTP\/AVP 18 8\r\n/);
  assert.match(text, /a=rtpmap:18 G729\/8000\r\na=fmtp:18 annexb=no\r\n/);
});
