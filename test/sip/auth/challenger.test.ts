import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  answerChallenge,
  computeHA1,
  DigestChallenger,
  type DigestChallengerOptions,
  parseDigestChallenge,
} from '../../../src/sip/auth/index.js';

const SECRET = 'a secret of at least sixteen bytes';
const USER = { username: '1000', password: 'hunter2' };

function setup(options?: Partial<DigestChallengerOptions>) {
  const clock = { now: 1_700_000_000_000 };
  const server = new DigestChallenger({
    realm: 'gw.example.com',
    secret: SECRET,
    now: () => clock.now,
    ...options,
  });
  return { clock, server };
}

test('a fresh challenge offers SHA-256 then MD5 with one nonce, and both answers verify', () => {
  const { server } = setup();
  const values = server.challenge();
  assert.equal(values.length, 2);
  const [sha, md5] = values.map(parseDigestChallenge);
  assert.equal(sha?.algorithm, 'SHA-256');
  assert.equal(md5?.algorithm, 'MD5');
  assert.equal(sha?.nonce, md5?.nonce);
  // Same nonce for both, so the second answer must count up (nc=2) or it would be a replay.
  for (const [i, value] of values.entries()) {
    const answer = answerChallenge(value, USER, 'REGISTER', 'sip:gw.example.com', { nc: i + 1 });
    const result = server.verify(
      answer.header,
      { method: 'REGISTER', uri: 'sip:gw.example.com' },
      { password: 'hunter2' },
    );
    assert.deepEqual(result, {
      ok: true,
      username: '1000',
      algorithm: parseDigestChallenge(value).algorithm,
      stale: false,
    });
  }
});

test('stored HA1s verify per hash function, and a missing one is reported', () => {
  const { server } = setup();
  const [sha, md5] = server.challenge();
  const ha1 = { MD5: computeHA1('MD5', '1000', 'gw.example.com', 'hunter2') };
  const okMd5 = server.verify(
    answerChallenge(md5 as string, USER, 'INVITE', 'sip:x').header,
    { method: 'INVITE' },
    { ha1 },
  );
  assert.equal(okMd5.ok, true);
  const noSha = server.verify(
    answerChallenge(sha as string, USER, 'INVITE', 'sip:x').header,
    { method: 'INVITE' },
    { ha1 },
  );
  assert.deepEqual(noSha, { ok: false, reason: 'no-secret', stale: false });
});

test('a wrong password, wrong method, or tampered nonce fails', () => {
  const { server } = setup();
  const [value] = server.challenge();
  const answer = answerChallenge(value as string, USER, 'INVITE', 'sip:x');
  assert.equal(server.verify(answer.header, { method: 'INVITE' }, { password: 'wrong' }).ok, false);
  assert.deepEqual(server.verify(answer.header, { method: 'BYE' }, { password: 'hunter2' }), {
    ok: false,
    reason: 'response',
    stale: false,
  });
  const forged = { ...answer.credentials, nonce: `${answer.credentials.nonce.slice(0, -2)}AA` };
  assert.equal(server.verify(forged, { method: 'INVITE' }, { password: 'hunter2' }).ok, false);
  const other = new DigestChallenger({ realm: 'gw.example.com', secret: 'another secret, also long enough' });
  const result = other.verify(answer.header, { method: 'INVITE' }, { password: 'hunter2' });
  assert.deepEqual(result, { ok: false, reason: 'nonce', stale: false });
});

test('an expired nonce with a correct response is stale, so the client retries silently', () => {
  const { clock, server } = setup({ nonceLifetimeMs: 60_000 });
  const [value] = server.challenge();
  clock.now += 61_000;
  const answer = answerChallenge(value as string, USER, 'INVITE', 'sip:x');
  assert.deepEqual(server.verify(answer.header, { method: 'INVITE' }, { password: 'hunter2' }), {
    ok: false,
    reason: 'stale',
    stale: true,
  });
  // With the wrong password it is simply wrong, not stale.
  assert.equal(server.verify(answer.header, { method: 'INVITE' }, { password: 'nope' }).stale, false);
  assert.match(server.challenge({ stale: true })[0] as string, /stale=true/);
});

test('a nonce count is accepted once; counts far behind the highest are replays', () => {
  const { server } = setup({ replayWindow: 4 });
  const [value] = server.challenge();
  const send = (nc: number) =>
    server.verify(
      answerChallenge(value as string, USER, 'INVITE', 'sip:x', { nc }).header,
      { method: 'INVITE' },
      USER,
    );
  assert.equal(send(1).ok, true);
  assert.equal(send(1).ok, false);
  assert.equal(send(3).ok, true);
  assert.equal(send(2).ok, true); // out of order but inside the window
  assert.equal(send(10).ok, true);
  const late = send(5);
  assert.deepEqual(late, { ok: false, reason: 'replay', stale: false });
  assert.equal(send(7).ok, true);
  assert.equal(server.trackedNonces, 1);
});

test('the legacy no-qop form is refused unless the challenger was set up for it', () => {
  const strict = setup().server;
  const [value] = strict.challenge();
  const legacy = parseDigestChallenge(value as string);
  legacy.qop = [];
  const answer = answerChallenge(legacy, USER, 'INVITE', 'sip:x');
  assert.deepEqual(strict.verify(answer.header, { method: 'INVITE' }, USER), {
    ok: false,
    reason: 'qop',
    stale: false,
  });
  const lenient = setup({ qop: [], algorithms: ['MD5'] }).server;
  const [plain] = lenient.challenge();
  assert.doesNotMatch(plain as string, /qop/);
  const ok = lenient.verify(
    answerChallenge(plain as string, USER, 'INVITE', 'sip:x').header,
    { method: 'INVITE' },
    USER,
  );
  assert.equal(ok.ok, true);
});

test('realm, uri and algorithm mismatches are named', () => {
  const { server } = setup({ algorithms: ['SHA-256'] });
  const [value] = server.challenge();
  const answer = answerChallenge(value as string, USER, 'INVITE', 'sip:x');
  assert.equal(server.verify({ ...answer.credentials, realm: 'evil' }, { method: 'INVITE' }, USER).ok, false);
  assert.deepEqual(server.verify(answer.header, { method: 'INVITE', uri: 'sip:y' }, USER), {
    ok: false,
    reason: 'uri',
    stale: false,
  });
  assert.deepEqual(server.verify({ ...answer.credentials, algorithm: 'MD5' }, { method: 'INVITE' }, USER), {
    ok: false,
    reason: 'algorithm',
    stale: false,
  });
  assert.deepEqual(server.verify('Digest garbage', { method: 'INVITE' }, USER), {
    ok: false,
    reason: 'malformed',
    stale: false,
  });
});
