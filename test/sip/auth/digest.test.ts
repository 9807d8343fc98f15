import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  answerChallenge,
  authorizationHeaderFor,
  computeDigestResponse,
  computeHA1,
  formatDigestChallenge,
  NonceCounter,
  parseDigestChallenge,
  parseDigestCredentials,
  selectChallenge,
} from '../../../src/sip/auth/index.js';

test('RFC 2617 §3.5 example: MD5 with qop=auth', () => {
  const ha1 = computeHA1('MD5', 'Mufasa', 'testrealm@host.com', 'Circle Of Life');
  const response = computeDigestResponse({
    algorithm: 'MD5',
    ha1,
    method: 'GET',
    uri: '/dir/index.html',
    nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
    qop: 'auth',
    nc: '00000001',
    cnonce: '0a4f113b',
  });
  assert.equal(response, '6629fae49393a05397450978507c4ef1');
});

const RFC7616 = {
  realm: 'http-auth@example.org',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
};

test('RFC 7616 §3.9.1 example: the client answers both the SHA-256 and the MD5 challenge', () => {
  const challenges = ['SHA-256', 'MD5'].map(
    (alg) =>
      `Digest realm="${RFC7616.realm}", qop="auth, auth-int", algorithm=${alg}, nonce="${RFC7616.nonce}", opaque="${RFC7616.opaque}"`,
  );
  const expected = {
    'SHA-256': '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    MD5: '8ca523f5e9506fed4657c9700eebdbec',
  };
  for (const value of challenges) {
    const ch = parseDigestChallenge(value);
    assert.deepEqual(ch.qop, ['auth', 'auth-int']);
    const answer = answerChallenge(
      ch,
      { username: 'Mufasa', password: 'Circle of Life' },
      'GET',
      '/dir/index.html',
      {
        cnonce: RFC7616.cnonce,
        nc: 1,
      },
    );
    assert.equal(answer.credentials.response, expected[ch.algorithm as 'MD5' | 'SHA-256']);
    assert.equal(answer.credentials.opaque, RFC7616.opaque);
    const back = parseDigestCredentials(answer.header);
    assert.equal(back.response, answer.credentials.response);
    assert.equal(back.nc, '00000001');
    assert.equal(back.qop, 'auth');
  }
  // Offered both, a client takes the stronger one.
  assert.equal(selectChallenge([...challenges].reverse())?.algorithm, 'SHA-256');
});

test('a legacy challenge without qop gets a response without nc or cnonce', () => {
  const answer = answerChallenge(
    'Digest realm="pbx.example.com", nonce="abc123"',
    { username: '1000', password: 'secret' },
    'REGISTER',
    'sip:pbx.example.com',
  );
  const c = answer.credentials;
  assert.equal(c.qop, undefined);
  assert.equal(c.nc, undefined);
  assert.equal(c.cnonce, undefined);
  const ha1 = computeHA1('MD5', '1000', 'pbx.example.com', 'secret');
  const ha2 = computeDigestResponse({
    algorithm: 'MD5',
    ha1,
    method: 'REGISTER',
    uri: 'sip:pbx.example.com',
    nonce: 'abc123',
  });
  assert.equal(c.response, ha2);
  assert.match(
    answer.header,
    /^Digest username="1000", realm="pbx\.example\.com", nonce="abc123", uri="sip:pbx\.example\.com", response="[0-9a-f]{32}", algorithm=MD5$/,
  );
});

test('an HA1 works in place of the password', () => {
  const ch = 'Digest realm="r", nonce="n", qop="auth", algorithm=SHA-256';
  const withPw = answerChallenge(ch, { username: 'u', password: 'p' }, 'INVITE', 'sip:x', { cnonce: 'c' });
  const withHa1 = answerChallenge(
    ch,
    { username: 'u', ha1: computeHA1('SHA-256', 'u', 'r', 'p') },
    'INVITE',
    'sip:x',
    {
      cnonce: 'c',
    },
  );
  assert.equal(withPw.credentials.response, withHa1.credentials.response);
});

test('auth-int hashes the body, so a changed body changes the response', () => {
  const ch = 'Digest realm="r", nonce="n", qop="auth-int"';
  const a = answerChallenge(ch, { username: 'u', password: 'p' }, 'INVITE', 'sip:x', {
    cnonce: 'c',
    body: Buffer.from('v=0'),
  });
  const b = answerChallenge(ch, { username: 'u', password: 'p' }, 'INVITE', 'sip:x', {
    cnonce: 'c',
    body: Buffer.from('v=1'),
  });
  assert.equal(a.credentials.qop, 'auth-int');
  assert.notEqual(a.credentials.response, b.credentials.response);
});

test('challenge headers round-trip and quote only what the grammar quotes', () => {
  const value = formatDigestChallenge({
    realm: 'example.com',
    nonce: 'abc',
    opaque: 'o"q',
    stale: true,
    algorithm: 'SHA-256',
    qop: ['auth'],
    domain: undefined,
    userhash: false,
  });
  assert.equal(
    value,
    'Digest realm="example.com", nonce="abc", opaque="o\\"q", stale=true, algorithm=SHA-256, qop="auth"',
  );
  const back = parseDigestChallenge(value);
  assert.equal(back.opaque, 'o"q');
  assert.equal(back.stale, true);
});

test('malformed digest headers are refused', () => {
  assert.throws(() => parseDigestChallenge('Basic realm="x"'), /Unsupported authentication scheme/);
  assert.throws(() => parseDigestChallenge('Digest realm="x"'), /Missing nonce/);
  assert.throws(() => parseDigestChallenge('Digest nonce="y", realm="x'), /Unterminated quote/);
  assert.throws(
    () => parseDigestChallenge('Digest realm="x", nonce="y", algorithm=SHA-1'),
    /Unsupported digest algorithm/,
  );
  assert.throws(
    () =>
      parseDigestCredentials(
        'Digest username="u", realm="r", nonce="n", uri="sip:x", response="0", qop=auth',
      ),
    /qop without nc and cnonce/,
  );
});

test('selectChallenge skips schemes it cannot answer', () => {
  assert.equal(selectChallenge(['Basic realm="x"', 'Bearer foo']), undefined);
  assert.equal(selectChallenge(['Basic realm="x"', 'Digest realm="r", nonce="n"'])?.realm, 'r');
});

test('the header name follows the status, and nonce counts go up per nonce', () => {
  assert.equal(authorizationHeaderFor(401), 'Authorization');
  assert.equal(authorizationHeaderFor(407), 'Proxy-Authorization');
  const nc = new NonceCounter();
  assert.deepEqual([nc.next('a'), nc.next('a'), nc.next('b'), nc.next('b')], [1, 2, 1, 2]);
});
