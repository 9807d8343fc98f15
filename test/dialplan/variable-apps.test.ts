import { strict as assert } from 'node:assert';
import { after, afterEach, before, test } from 'node:test';
import { splitMulti } from '../../src/dialplan/apps/variable-apps.js';
import { waitFor } from '../support/core-harness.js';
import { okUuid, startRig, type Rig } from '../core/bridge-fixture.js';

let t: Rig;

before(async () => {
  t = await startRig();
  t.route('callee', ['answer'], ['park']);
});

after(async () => {
  await t.stop();
});

afterEach(async () => {
  await t.idle();
});

test('export sets a variable here and on the bridged leg; nolocal: only on the other leg', async () => {
  t.route(
    'exp',
    ['export', 'team=blue'],
    ['export', 'nolocal:secret=s3'],
    ['set', 'plain=here-only'],
    ['set', 'listed=by-export-vars'],
    ['set', 'export_vars=${export_vars},listed'],
    ['bridge', 'loopback/callee/default/tst'],
  );
  okUuid(await t.api('originate loopback/exp/default/tst &park'));
  await waitFor(() => t.byName('loopback/callee-a')?.channel.bridgedTo !== undefined, 3000, 'bridge');
  const a = t.byName('loopback/exp-b');
  const b = t.byName('loopback/callee-a');
  assert.ok(a && b);
  assert.equal(a.getVariable('team'), 'blue');
  assert.equal(a.getVariable('secret'), undefined, 'nolocal: is not set under its plain name locally');
  assert.equal(a.getVariable('nolocal:secret'), 's3');
  assert.equal(a.getVariable('export_vars'), 'team,nolocal:secret,listed');
  assert.equal(b.getVariable('team'), 'blue');
  assert.equal(b.getVariable('secret'), 's3');
  assert.equal(b.getVariable('listed'), 'by-export-vars');
  assert.equal(b.getVariable('plain'), undefined, 'unexported variables stay on the a leg');
});

test('the dial string {} overrides an exported value on the leg', async () => {
  t.route('over', ['export', 'team=blue'], ['bridge', '{team=red}loopback/callee/default/tst']);
  okUuid(await t.api('originate loopback/over/default/tst &park'));
  await waitFor(() => t.byName('loopback/callee-a')?.channel.bridgedTo !== undefined, 3000, 'bridge');
  assert.equal(t.byName('loopback/callee-a')?.getVariable('team'), 'red');
  assert.equal(t.byName('loopback/over-b')?.getVariable('team'), 'blue');
});

test('multiset sets several variables, with quotes and the ^^ separator form', async () => {
  const uuid = await t.parkedNull();
  await t.runApps(uuid, ['multiset', `a=1 b='two words' c=3`], ['multiset', '^^:d=4:e=x y:f=']);
  const s = t.core.sessions.get(uuid);
  assert.equal(s?.getVariable('a'), '1');
  assert.equal(s?.getVariable('b'), 'two words');
  assert.equal(s?.getVariable('c'), '3');
  assert.equal(s?.getVariable('d'), '4');
  assert.equal(s?.getVariable('e'), 'x y');
  assert.equal(s?.getVariable('f'), undefined);
});

test('unset, multiunset and the _undef_ value remove variables', async () => {
  const uuid = await t.parkedNull();
  await t.runApps(uuid, ['multiset', 'a=1 b=2 c=3 d=4 e=5']);
  await t.runApps(
    uuid,
    ['unset', 'a'],
    ['set', 'b=_undef_'],
    ['multiset', 'c=_undef_'],
    ['multiunset', 'd e'],
  );
  const s = t.core.sessions.get(uuid);
  for (const name of ['a', 'b', 'c', 'd', 'e']) assert.equal(s?.getVariable(name), undefined, name);
  assert.equal(await t.api(`uuid_getvar ${uuid} a`), '_undef_');
});

test('bridge_export copies a variable to the leg at bridge time', async () => {
  t.route('bex', ['bridge_export', 'ticket=42'], ['bridge', 'loopback/callee/default/tst']);
  okUuid(await t.api('originate loopback/bex/default/tst &park'));
  await waitFor(() => t.byName('loopback/callee-a')?.channel.bridgedTo !== undefined, 3000, 'bridge');
  assert.equal(t.byName('loopback/callee-a')?.getVariable('ticket'), '42');
});

test('splitMulti keeps quoted values whole and honours a custom separator', () => {
  assert.deepEqual(splitMulti(`x=1 y="a b" z='c d'`), ['x=1', 'y=a b', 'z=c d']);
  assert.deepEqual(splitMulti('^^;x=1;y=2 3'), ['x=1', 'y=2 3']);
});
