/**
 * mod_sip configuration: the shipped sofia.conf with its two profiles loads
 * (under the mod_sofia alias too), and a bad param stops the load with the
 * file and line of the offending param.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { engineHasCodec } from '../../../src/media/media-addon.js';
import { makeBaseDir, startTestCore, TEST_MODULES, type TestCore } from '../../support/core-harness.js';
import { freeSipPort } from './sip-fixture.js';

async function shippedWithFreePorts(): Promise<string> {
  const base = makeBaseDir(TEST_MODULES);
  for (const [file, port] of [
    ['internal.xml', '5060'],
    ['external.xml', '5080'],
  ] as const) {
    const path = join(base, 'conf', 'sip_profiles', file);
    const text = readFileSync(path, 'utf8')
      .replace(`name="sip-port" value="${port}"`, `name="sip-port" value="${await freeSipPort()}"`)
      .replace('name="tls-sip-port" value="5061"', `name="tls-sip-port" value="${await freeSipPort()}"`);
    writeFileSync(path, text);
  }
  return base;
}

describe('mod_sip configuration', () => {
  let tc: TestCore | undefined;
  afterEach(async () => {
    await tc?.stop();
    tc = undefined;
  });

  it('the shipped internal and external profiles load under the mod_sofia name', async () => {
    tc = await startTestCore({ base: await shippedWithFreePorts() });
    await tc.core.modules.load('mod_sofia');
    assert.ok(tc.core.modules.isLoaded('mod_sip'));
    const status = await tc.api('sofia status');
    assert.match(status, /internal\s+profile\s+\S+\s+RUNNING/);
    assert.match(status, /external\s+profile\s+\S+\s+RUNNING/);
    assert.match(status, /2 profiles/);
    const internal = await tc.api('sip status profile internal');
    assert.match(internal, /Auth-calls\s+true/);
    assert.match(internal, /Context\s+public/);
    assert.match(internal, /CODECS IN\s+PCMU,PCMA,telephone-event/);
    const external = await tc.api('sip status profile external');
    assert.match(external, /Auth-calls\s+false/);
    assert.ok(tc.core.endpoints.get('sip') && tc.core.endpoints.get('sofia'), 'both endpoint names');
  });

  it('an invalid param refuses the load and names its file:line', async () => {
    const base = await shippedWithFreePorts();
    const path = join(base, 'conf', 'sip_profiles', 'internal.xml');
    const text = readFileSync(path, 'utf8').replace(
      'name="rfc2833-pt" value="101"',
      'name="rfc2833-pt" value="12"',
    );
    writeFileSync(path, text);
    const line = text.split('\n').findIndex((l) => l.includes('rfc2833-pt')) + 1;
    tc = await startTestCore({ base });
    await assert.rejects(tc.core.modules.load('mod_sip'), (err: Error) => {
      assert.match(err.message, new RegExp(`internal\\.xml:${line}`));
      assert.match(err.message, /rfc2833-pt/);
      return true;
    });
    assert.equal(tc.core.modules.isLoaded('mod_sip'), false);
  });

  it('an unknown codec is refused with its location', async () => {
    const base = await shippedWithFreePorts();
    const path = join(base, 'conf', 'sip_profiles', 'external.xml');
    writeFileSync(
      path,
      readFileSync(path, 'utf8').replace(
        'name="inbound-codec-prefs" value="PCMU,PCMA"',
        'name="inbound-codec-prefs" value="PCMU,G726"',
      ),
    );
    tc = await startTestCore({ base });
    await assert.rejects(tc.core.modules.load('mod_sip'), /external\.xml:\d+.*unknown codec "G726"/);
  });

  it('G729 in the codec prefs loads when the engine has bcg729, else is refused naming it', async () => {
    const base = await shippedWithFreePorts();
    const path = join(base, 'conf', 'sip_profiles', 'external.xml');
    writeFileSync(
      path,
      readFileSync(path, 'utf8').replace(
        'name="inbound-codec-prefs" value="PCMU,PCMA"',
        'name="inbound-codec-prefs" value="g729,PCMU"',
      ),
    );
    tc = await startTestCore({ base });
    if (engineHasCodec('G729')) {
      await tc.core.modules.load('mod_sip');
      assert.match(await tc.api('sip status profile external'), /CODECS IN\s+G729,PCMU/);
    } else {
      await assert.rejects(
        tc.core.modules.load('mod_sip'),
        /external\.xml:\d+.*codec "g729" needs libbcg729/,
      );
    }
  });
});
