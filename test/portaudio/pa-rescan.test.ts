/**
 * `pa rescan` against the rule every binding follows (PortAudio's): no rescan while a stream is
 * open. A call on the device makes it refuse with a reason; a ringing ring stream is stopped for the
 * scan and rings again after it.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { waitFor } from '../support/core-harness.js';
import { plugHeadset, startPaCore } from './pa-core.js';

test('pa rescan is refused while a call is on the device, naming the call, and works once it is held', async () => {
  const t = await startPaCore(48600);
  const stopClock = t.startClock();
  try {
    await plugHeadset(t);
    assert.match(await t.api('pa call 9400'), /^\+OK call 1 /);
    assert.equal(t.mock.openStreams, 2);
    const refused = await t.api('pa rescan');
    assert.match(refused, /^-ERR pa rescan refused: call 1 is on the sound device .*pa switch none/);
    assert.equal(t.rt.active?.id, 1, 'the call stays on the device');
    assert.equal(t.mock.openStreams, 2, 'its streams stay open');
    assert.equal(t.rt.systemError, undefined, 'a refusal does not mark the sound system unusable');
    assert.match(await t.api('pa switch none'), /^\+OK call 1 held/);
    t.mock.plug({ name: 'USB Speaker', inputs: 0, outputs: 2 });
    assert.match(await t.api('pa rescan'), /^\+OK 3 device\(s\); added: USB Speaker$/m);
    assert.match(await t.api('pa hangup 1'), /^\+OK hangup call 1/);
    await waitFor(() => t.core.sessions.count === 0, 3000, 'both legs gone');
  } finally {
    stopClock();
    await t.stop();
  }
});

test('pa rescan while a call rings stops the ring stream for the scan and rings again after it', async () => {
  const t = await startPaCore(48700, { ringdev: 'Ringer' });
  const stopClock = t.startClock();
  try {
    await plugHeadset(t);
    void t.api('originate loopback/9100/patest &park');
    await waitFor(() => t.rt.ringer.ringing, 3000, 'the ring');
    assert.equal(t.mock.openStreams, 1, 'only the ring stream is open');
    t.mock.plug({ name: 'USB Speaker', inputs: 0, outputs: 2 });
    assert.match(await t.api('pa rescan'), /^\+OK 3 device\(s\); added: USB Speaker$/m);
    assert.equal(t.rt.ringer.ringing, true, 'ringing again after the scan');
    assert.equal(t.rt.ringer.device?.name, 'Ringer');
    t.mock.clearPlayed('Ringer');
    await waitFor(
      () => t.mock.played('Ringer').some((x) => Math.abs(x) > 1000),
      3000,
      'the ring sound again',
    );
    assert.match(await t.api('pa hangup'), /^\+OK hangup call/);
    await waitFor(() => t.core.sessions.count === 0, 3000, 'the calls gone');
    assert.equal(t.mock.openStreams, 0);
  } finally {
    stopClock();
    await t.stop();
  }
});
