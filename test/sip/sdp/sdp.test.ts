import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  connectionOf,
  directionOf,
  fmtpOf,
  parseSdp,
  ptimeOf,
  rtcpOf,
  rtpmaps,
  SdpParseError,
  serializeSdp,
} from '../../../src/sip/sdp/index.js';

const OFFER = [
  'v=0',
  'o=- 20518 0 IN IP4 203.0.113.1',
  's= ',
  'i=A call',
  'c=IN IP4 203.0.113.1',
  'b=AS:64',
  't=0 0',
  'a=recvonly',
  'm=audio 54400 RTP/AVP 0 101 96',
  'c=IN IP4 203.0.113.9',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 opus/48000/2',
  'a=fmtp:101 useinbandfec=1; stereo=0',
  'a=rtpmap:96 telephone-event/8000',
  'a=fmtp:96 0-15',
  'a=ptime:20',
  'a=rtcp:54401 IN IP4 203.0.113.9',
  'a=sendonly',
  'm=video 0 RTP/AVP 31',
  '',
].join('\r\n');

test('every line type is read, with media-level values winning over session-level ones', () => {
  const sd = parseSdp(OFFER);
  assert.equal(sd.origin.sessionId, '20518');
  assert.equal(sd.sessionName, ' ');
  const audio = sd.media[0];
  assert.ok(audio);
  assert.deepEqual(audio.formats, ['0', '101', '96']);
  assert.deepEqual(rtpmaps(audio).get(101), { encoding: 'opus', clockRate: 48000, channels: 2 });
  assert.equal(fmtpOf(audio, 96), '0-15');
  assert.equal(ptimeOf(audio), 20);
  assert.deepEqual(rtcpOf(audio), { port: 54401, address: '203.0.113.9' });
  assert.equal(directionOf(audio, sd), 'sendonly');
  assert.equal(connectionOf(audio, sd)?.address, '203.0.113.9');
  const video = sd.media[1];
  assert.ok(video);
  assert.equal(video.port, 0);
  assert.equal(directionOf(video, sd), 'recvonly');
  assert.equal(connectionOf(video, sd)?.address, '203.0.113.1');
});

test('serialize then parse gives the same description, and LF-only input is accepted', () => {
  const sd = parseSdp(OFFER.replace(/\r\n/g, '\n'));
  const text = serializeSdp(sd);
  assert.equal(text, OFFER);
  assert.deepEqual(parseSdp(text), sd);
});

test('malformed SDP raises SdpParseError', () => {
  const cases = [
    'o=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n',
    'v=0\r\ns=-\r\nt=0 0\r\n',
    'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nm=audio x RTP/AVP 0\r\n',
    'v=0\r\no=- 1 1 IN IP4\r\ns=-\r\n',
    'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nthis is not sdp\r\n',
    'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nm=audio 5000 RTP/AVP 0\r\nu=http://x\r\n',
  ];
  for (const text of cases) assert.throws(() => parseSdp(text), SdpParseError, text);
});
