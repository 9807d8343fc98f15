/** The gateway registration state table and its timing rules. */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  checkGatewayMove,
  GatewayState,
  MAX_RETRY_MS,
  refreshDelayMs,
  retryDelayMs,
} from '../../../src/endpoints/sip/gateway-state.js';

test('the retry delay doubles per consecutive failure and stops at an hour', () => {
  assert.deepEqual(
    [1, 2, 3, 4].map((n) => retryDelayMs(30, n)),
    [30_000, 60_000, 120_000, 240_000],
  );
  assert.equal(retryDelayMs(30, 12), MAX_RETRY_MS);
  assert.equal(retryDelayMs(30, 1000), MAX_RETRY_MS, 'no overflow after many failures');
  assert.equal(retryDelayMs(7200, 3), 7_200_000, 'a retry-seconds above the cap is kept as it is');
});

test('a registration is refreshed halfway through the granted time', () => {
  assert.equal(refreshDelayMs(3600), 1_800_000);
  assert.equal(refreshDelayMs(1), 1000, 'never sooner than a second');
});

test('the state table allows the documented moves and refuses others', () => {
  const S = GatewayState;
  checkGatewayMove(S.Unreged, S.Register);
  checkGatewayMove(S.Register, S.Trying);
  checkGatewayMove(S.Trying, S.Reged);
  checkGatewayMove(S.Trying, S.Failed);
  checkGatewayMove(S.Failed, S.FailWait);
  checkGatewayMove(S.FailWait, S.Register);
  checkGatewayMove(S.Reged, S.Unregister);
  assert.throws(() => checkGatewayMove(S.Unreged, S.Reged), /TSW_ERR_STATE|cannot go from UNREGED to REGED/);
  assert.throws(() => checkGatewayMove(S.NoReg, S.Register), /cannot go from NOREG/);
  assert.throws(() => checkGatewayMove(S.FailWait, S.Reged));
});
