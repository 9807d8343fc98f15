import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { join } from 'node:path';
import { formatLocation } from '../../src/core/errors.js';
import { parseSwitchBool } from '../../src/config/bool-words.js';
import { loadConfigTree } from '../../src/config/config-tree.js';
import { defineSchema, readParamList, readSettings } from '../../src/config/schema.js';
import { firstChild } from '../../src/config/xml-node.js';
import { fixture, loadOptions, scratchDir } from './config-fixtures.js';

const eventSocket = defineSchema({
  'listen-ip': { type: 'ip', default: '127.0.0.1', description: 'address to listen on' },
  'listen-port': { type: 'port', default: 8021 },
  password: { type: 'string', default: 'ClueCon' },
  'nat-map': { type: 'bool', default: false },
  'max-clients': { type: 'int', min: 1, max: 1000 },
  'log-level': { type: 'enum', values: ['debug', 'info', 'warning'], default: 'info' },
  'apply-inbound-acl': { type: 'cidr' },
});

function configurationOf(name: string): ReturnType<ReturnType<typeof loadConfigTree>['configuration']> {
  const { dir, cleanup } = scratchDir();
  try {
    return loadConfigTree(loadOptions(fixture(name), dir)).configuration('event_socket');
  } finally {
    cleanup();
  }
}

test('settings are read into typed values, with defaults for absent params', () => {
  const { values, errors, present } = readSettings(configurationOf('basic'), eventSocket);
  assert.deepEqual(errors, []);
  const port: number = values['listen-port'];
  const natMap: boolean = values['nat-map'];
  const level: 'debug' | 'info' | 'warning' = values['log-level'];
  const maxClients: number | undefined = values['max-clients'];
  assert.equal(port, 8021);
  assert.equal(natMap, false);
  assert.equal(level, 'info');
  assert.equal(maxClients, undefined);
  // @ts-expect-error: a param without default or required flag may be undefined
  const notSure: number = values['max-clients'];
  assert.equal(notSure, undefined);
  assert.equal(values.password, 'ClueCon');
  assert.ok(present.has('listen-ip'));
  assert.ok(!present.has('log-level'));
});

test('each bad param is an error naming its original file and line', () => {
  const conf = configurationOf('bad-params');
  const { values, errors } = readSettings(conf, eventSocket);
  const file = join(fixture('bad-params'), 'autoload_configs', 'event_socket.conf.xml');
  const messages = errors.map((e) => e.message);
  assert.ok(errors.every((e) => e.code === 'TSW_ERR_CONFIG_PARAM'));
  assert.deepEqual(messages, [
    `${file}:3: param "listen-ip" value "localhost" is not an IP address`,
    `${file}:4: param "listen-port" value "99999" is out of range 1..65535`,
    `${file}:5: param "max-clients" value "ten" is not an integer`,
    `${file}:6: param "nat-map" value "maybe" is not a boolean (use true/false, yes/no, on/off, enabled/disabled, 1/0)`,
    `${file}:7: param "log-level" value "loud" is not one of debug, info, warning`,
    `${file}:8: unknown param "listen-backlog"`,
    `${file}:9: param "apply-inbound-acl" value "10.0.0.0/33" is not a network in CIDR form (address/prefix)`,
  ]);
  assert.equal(formatLocation(errors[1]?.location ?? { file: '', line: 0 }), `${file}:4`);
  assert.equal(values['listen-port'], 8021, 'a param in error keeps its default');
});

test('a missing required param is reported at the settings element', () => {
  const schema = defineSchema({
    password: { type: 'string', required: true },
    'listen-port': { type: 'port' },
  });
  const conf = configurationOf('bad-params');
  const settings = firstChild(conf, 'settings');
  const { errors } = readSettings(conf, schema);
  const missing = errors.find((e) => e.message.includes('required param "password" is missing'));
  assert.ok(missing);
  assert.deepEqual(missing.location, settings?.loc);
});

test('boolean words follow FreeSWITCH switch_true and switch_false', () => {
  for (const w of ['yes', 'on', 'true', 'TRUE', 'enabled', 'allow', 't', '1', '42'])
    assert.equal(parseSwitchBool(w), true, w);
  for (const w of ['no', 'off', 'false', 'disabled', 'deny', 'f', '0'])
    assert.equal(parseSwitchBool(w), false, w);
  assert.equal(parseSwitchBool('maybe'), undefined);
});

test('param names match case-insensitively and other list shapes reuse the reader', () => {
  const conf = configurationOf('basic');
  const loads = readParamList(firstChild(conf, 'settings'), 'param');
  assert.equal(loads.length, 4);
  assert.equal(loads[1]?.name, 'listen-port');
  assert.equal(loads[1]?.loc.line, 4);
  const schema = defineSchema({ 'LISTEN-PORT': { type: 'port', default: 1 } });
  const { values, errors } = readSettings(conf, schema);
  assert.equal(values['LISTEN-PORT'], 8021);
  assert.equal(errors.length, 3, 'the three params this schema does not declare are unknown');
});
