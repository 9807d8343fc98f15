import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { PASSWORD, startFixture } from './esl-fixture.js';
import { RawClient } from './raw-client.js';

test('event plain delivers subscribed events framed with their byte length', async () => {
  const f = await startFixture();
  try {
    const c = await RawClient.authed(f.port, PASSWORD);
    const r = await c.command('event plain HEARTBEAT');
    assert.equal(r.raw, 'Content-Type: command/reply\nReply-Text: +OK event listener enabled plain\n\n');
    f.bus.fire(f.bus.create('API'));
    const ev = f.bus.create('HEARTBEAT');
    ev.addHeader('Up-Time', 'zwölf Stunden');
    f.bus.fire(ev);
    const frame = await c.readFrame();
    const plain = ev.serializePlain();
    assert.equal(
      frame.raw,
      `Content-Length: ${Buffer.byteLength(plain)}\nContent-Type: text/event-plain\n\n${plain}`,
    );
    c.close();
  } finally {
    await f.stop();
  }
});

test('event json delivers the JSON serialization', async () => {
  const f = await startFixture();
  try {
    const c = await RawClient.authed(f.port, PASSWORD);
    const r = await c.command('event json ALL');
    assert.equal(r.headers['Reply-Text'], '+OK event listener enabled json');
    const ev = f.bus.create('CHANNEL_CREATE');
    ev.addHeader('Unique-ID', 'abc');
    ev.body = 'héllo';
    f.bus.fire(ev);
    const frame = await c.readFrame();
    const json = ev.serializeJson();
    assert.equal(
      frame.raw,
      `Content-Length: ${Buffer.byteLength(json)}\nContent-Type: text/event-json\n\n${json}`,
    );
    const parsed = JSON.parse(frame.body) as Record<string, string>;
    assert.equal(parsed['Unique-ID'], 'abc');
    assert.equal(parsed['_body'], 'héllo');
    c.close();
  } finally {
    await f.stop();
  }
});

test('event xml delivers headers as elements with the body after them', async () => {
  const f = await startFixture();
  try {
    const c = await RawClient.authed(f.port, PASSWORD);
    assert.equal((await c.command('event xml DTMF')).headers['Reply-Text'], '+OK event listener enabled xml');
    const ev = f.bus.create('DTMF');
    ev.addHeader('DTMF-Digit', '#');
    ev.body = 'a<b';
    f.bus.fire(ev);
    const frame = await c.readFrame();
    assert.equal(frame.headers['Content-Type'], 'text/event-xml');
    assert.equal(Buffer.byteLength(frame.body), Number(frame.headers['Content-Length']));
    assert.match(frame.body, /^<event>\n {2}<headers>\n {4}<Event-Name>DTMF<\/Event-Name>\n/);
    assert.match(frame.body, /<DTMF-Digit>%23<\/DTMF-Digit>/);
    assert.match(
      frame.body,
      /<\/headers>\n {2}<Content-Length>3<\/Content-Length>\n {2}<body>a&lt;b<\/body>\n<\/event>$/,
    );
    c.close();
  } finally {
    await f.stop();
  }
});

test('CUSTOM subscriptions deliver only the subclasses asked for', async () => {
  const f = await startFixture();
  try {
    const c = await RawClient.authed(f.port, PASSWORD);
    await c.command('event plain CUSTOM sofia::register conference::maintenance');
    f.bus.fire(f.bus.create('CUSTOM', 'other::thing'));
    f.bus.fire(f.bus.create('CUSTOM', 'conference::maintenance'));
    const frame = await c.readFrame();
    assert.match(frame.body, /Event-Subclass: conference%3A%3Amaintenance\n/);
    c.close();
  } finally {
    await f.stop();
  }
});

test('filters pass only matching events, and filter delete removes them', async () => {
  const f = await startFixture();
  try {
    const c = await RawClient.authed(f.port, PASSWORD);
    await c.command('event plain ALL');
    const add = await c.command('filter Unique-ID abc');
    assert.equal(add.raw, 'Content-Type: command/reply\nReply-Text: +OK filter added. [Unique-ID]=[abc]\n\n');
    const fire = (uuid: string): void => {
      f.bus.fire(f.bus.create('CHANNEL_ANSWER').addHeader('Unique-ID', uuid));
    };
    fire('zzz');
    fire('ABC');
    assert.match((await c.readFrame()).body, /Unique-ID: ABC\n/);
    const del = await c.command('filter delete Unique-ID abc');
    assert.equal(del.headers['Reply-Text'], '+OK filter deleted. [Unique-ID][abc]');
    fire('zzz');
    assert.match((await c.readFrame()).body, /Unique-ID: zzz\n/);
    c.close();
  } finally {
    await f.stop();
  }
});

test('regex and negative filters follow FreeSWITCH semantics', async () => {
  const f = await startFixture();
  try {
    const c = await RawClient.authed(f.port, PASSWORD);
    await c.command('event plain ALL');
    await c.command('filter Event-Name /^CHANNEL_/');
    await c.command('filter Unique-ID -skip-me');
    f.bus.fire(f.bus.create('HEARTBEAT'));
    f.bus.fire(f.bus.create('CHANNEL_ANSWER').addHeader('Unique-ID', 'skip-me'));
    f.bus.fire(f.bus.create('CHANNEL_HANGUP').addHeader('Unique-ID', 'keep'));
    assert.match((await c.readFrame()).body, /Event-Name: CHANNEL_HANGUP\n/);
    assert.equal((await c.command('filter delete all')).headers['Reply-Text'], '+OK filter deleted. [all][]');
    assert.equal((await c.command('filter Unique-ID')).headers['Reply-Text'], '-ERR invalid syntax');
    c.close();
  } finally {
    await f.stop();
  }
});

test('noevents stops delivery', async () => {
  const f = await startFixture();
  try {
    const c = await RawClient.authed(f.port, PASSWORD);
    await c.command('event plain ALL');
    const r = await c.command('noevents');
    assert.equal(r.raw, 'Content-Type: command/reply\nReply-Text: +OK no longer listening for events\n\n');
    f.bus.fire(f.bus.create('HEARTBEAT'));
    // Delivery is synchronous with fire(), so an event would arrive before this reply.
    const next = await c.command('api echo after');
    assert.equal(next.headers['Content-Type'], 'api/response');
    assert.equal((await c.command('noevents')).headers['Reply-Text'], '-ERR not listening for events');
    c.close();
  } finally {
    await f.stop();
  }
});

test('nixevent removes one name from an ALL subscription', async () => {
  const f = await startFixture();
  try {
    const c = await RawClient.authed(f.port, PASSWORD);
    await c.command('event plain ALL');
    assert.equal((await c.command('nixevent HEARTBEAT')).headers['Reply-Text'], '+OK events nixed');
    f.bus.fire(f.bus.create('HEARTBEAT'));
    f.bus.fire(f.bus.create('API'));
    assert.match((await c.readFrame()).body, /^Event-Name: API\n/);
    assert.equal((await c.command('event plain')).headers['Reply-Text'], '-ERR no keywords supplied');
    c.close();
  } finally {
    await f.stop();
  }
});

test('events never reach a client that has not authenticated', async () => {
  const f = await startFixture();
  try {
    const c = await RawClient.connect(f.port);
    await c.readFrame();
    await c.command('event plain ALL');
    f.bus.fire(f.bus.create('HEARTBEAT'));
    const r = await c.command(`auth ${PASSWORD}`);
    assert.equal(r.headers['Reply-Text'], '+OK accepted');
    c.close();
  } finally {
    await f.stop();
  }
});

test('log sends log/data frames at or above the chosen level until nolog', async () => {
  const f = await startFixture();
  try {
    const c = await RawClient.authed(f.port, PASSWORD);
    const r = await c.command('log warning');
    assert.equal(r.headers['Reply-Text'], '+OK log level warning [4]');
    const logger = f.logs.logger('mod_test');
    logger.info('too chatty');
    logger.error('line seized', { uuid: 'chan-1' });
    const frame = await c.readFrame();
    assert.equal(frame.headers['Content-Type'], 'log/data');
    assert.equal(frame.headers['Log-Level'], '3');
    assert.equal(frame.headers['Text-Channel'], '2');
    assert.equal(frame.headers['Log-File'], 'mod_test');
    assert.equal(frame.headers['User-Data'], 'chan-1');
    assert.match(frame.raw, /\nLog-Func: \nLog-Line: 0\nUser-Data: chan-1\n\n/);
    assert.match(frame.body, /^chan-1 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} \[ERR\] mod_test line seized\n$/);
    assert.equal((await c.command('nolog')).headers['Reply-Text'], '+OK no longer logging');
    logger.error('not sent');
    assert.equal((await c.command('api echo z')).body, 'z');
    assert.equal((await c.command('log loud')).headers['Reply-Text'], '-ERR invalid log level');
    c.close();
  } finally {
    await f.stop();
  }
});

test('sendevent fires the event on the bus with the client headers and body', async () => {
  const f = await startFixture();
  try {
    const got: {
      name: string;
      sub: string | undefined;
      who: string | undefined;
      body: string | undefined;
    }[] = [];
    f.bus.subscribe((ev) =>
      got.push({ name: ev.name, sub: ev.subclass, who: ev.getHeader('X-Who'), body: ev.body }),
    );
    const c = await RawClient.authed(f.port, PASSWORD);
    const r = await c.command(
      'sendevent CUSTOM\nEvent-Subclass: my::event\nX-Who: me\nContent-Length: 4\n\nbody',
    );
    assert.match(r.headers['Reply-Text'] ?? '', /^\+OK uuid-\d+$/);
    assert.deepEqual(got, [{ name: 'CUSTOM', sub: 'my::event', who: 'me', body: 'body' }]);
    assert.match((await c.command('sendevent NOPE')).headers['Reply-Text'] ?? '', /^-ERR/);
    c.close();
  } finally {
    await f.stop();
  }
});

test('linger and nolinger are refused on an inbound socket as FreeSWITCH does', async () => {
  const f = await startFixture();
  try {
    const c = await RawClient.authed(f.port, PASSWORD);
    assert.equal((await c.command('linger')).headers['Reply-Text'], '-ERR not controlling a session');
    assert.equal((await c.command('nolinger')).headers['Reply-Text'], '-ERR not controlling a session');
    c.close();
  } finally {
    await f.stop();
  }
});
