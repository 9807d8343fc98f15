import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  ChannelState,
  CHANNEL_STATE_NUMBER,
  assertTransition,
  canTransition,
} from '../../src/core/channel-state.js';
import { isTswError } from '../../src/core/errors.js';
import { HANGUP_CAUSES, parseHangupCause } from '../../src/core/hangup-cause.js';

const S = ChannelState;

test('the normal inbound path is allowed move by move', () => {
  const path = [
    S.CS_NEW,
    S.CS_INIT,
    S.CS_ROUTING,
    S.CS_EXECUTE,
    S.CS_PARK,
    S.CS_HANGUP,
    S.CS_REPORTING,
    S.CS_DESTROY,
  ];
  for (let i = 1; i < path.length; i++) {
    const from = path[i - 1] as ChannelState;
    const to = path[i] as ChannelState;
    assert.ok(canTransition(from, to), `${from} -> ${to}`);
  }
});

test('an illegal transition throws TSW_ERR_STATE naming both states', () => {
  assert.throws(
    () => assertTransition(S.CS_NEW, S.CS_EXECUTE, 'channel x'),
    (err: unknown) => isTswError(err, 'TSW_ERR_STATE') && /CS_NEW -> CS_EXECUTE/.test(err.message),
  );
  assert.throws(() => assertTransition(S.CS_DESTROY, S.CS_HANGUP), /illegal/);
  assert.throws(() => assertTransition(S.CS_HANGUP, S.CS_EXECUTE), /illegal/);
  assert.throws(() => assertTransition(S.CS_REPORTING, S.CS_HANGUP), /illegal/);
});

test('state numbers match FreeSWITCH', () => {
  assert.equal(CHANNEL_STATE_NUMBER[S.CS_NEW], 0);
  assert.equal(CHANNEL_STATE_NUMBER[S.CS_EXECUTE], 4);
  assert.equal(CHANNEL_STATE_NUMBER[S.CS_HANGUP], 10);
  assert.equal(CHANNEL_STATE_NUMBER[S.CS_DESTROY], 12);
});

test('hangup causes carry their Q.850 codes and parse by name or number', () => {
  assert.equal(HANGUP_CAUSES.NORMAL_CLEARING, 16);
  assert.equal(HANGUP_CAUSES.USER_BUSY, 17);
  assert.equal(HANGUP_CAUSES.NO_ANSWER, 19);
  assert.equal(HANGUP_CAUSES.CALL_REJECTED, 21);
  assert.equal(HANGUP_CAUSES.NO_ROUTE_DESTINATION, 3);
  assert.equal(parseHangupCause('17'), 'USER_BUSY');
  assert.equal(parseHangupCause('user_busy'), 'USER_BUSY');
  assert.equal(parseHangupCause('NOT_A_CAUSE'), undefined);
});
