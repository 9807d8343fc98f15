import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { isTswError } from '../../src/core/errors.js';
import type { CoreDb } from '../../src/db/core-db.js';
import { formatShow } from '../../src/db/show-format.js';
import { openTestDb } from './db-helpers.js';

const CHANNEL_HEADER =
  'uuid,direction,created,created_epoch,name,state,cid_name,cid_num,ip_addr,dest,application,' +
  'application_data,dialplan,context,read_codec,read_rate,read_bit_rate,write_codec,write_rate,' +
  'write_bit_rate,secure,hostname,presence_id,presence_data,accountcode,callstate,callee_name,' +
  'callee_num,callee_direction,call_uuid,sent_callee_name,sent_callee_num,initial_cid_name,' +
  'initial_cid_num,initial_ip_addr,initial_dest,initial_dialplan,initial_context';

/** Two bridged legs and one channel still ringing on its own. */
function seedCalls(db: CoreDb): void {
  const created = '2023-11-14 10:00:00';
  db.insertChannel({
    uuid: 'a',
    direction: 'inbound',
    created,
    created_epoch: 100,
    name: 'tdm/1',
    state: 'CS_EXCHANGE_MEDIA',
    cid_num: '5551000',
    dest: '200',
    callstate: 'ACTIVE',
  });
  db.insertChannel({
    uuid: 'b',
    direction: 'outbound',
    created,
    created_epoch: 101,
    name: 'sip/200',
    state: 'CS_EXCHANGE_MEDIA',
    cid_num: '5551000',
    dest: '200',
    callstate: 'ACTIVE',
  });
  db.insertChannel({
    uuid: 'c',
    direction: 'inbound',
    created,
    created_epoch: 90,
    name: 'tdm/2',
    state: 'CS_ROUTING',
    cid_num: '5552000',
    dest: '300',
    callstate: 'RINGING',
  });
  db.insertCall({ call_uuid: 'a', caller_uuid: 'a', callee_uuid: 'b', created: new Date(102_000) });
}

function seedInterfaces(db: CoreDb): void {
  db.insertInterface({
    type: 'api',
    name: 'status',
    description: 'Show core status',
    syntax: '',
    ikey: 'mod_commands',
    filename: 'mod-commands.js',
  });
  db.insertInterface({
    type: 'api',
    name: 'show',
    description: 'Show various reports',
    syntax: 'codec|channels|calls',
    ikey: 'mod_commands',
    filename: 'mod-commands.js',
  });
  db.insertInterface({
    type: 'application',
    name: 'answer',
    description: 'Answer the call',
    syntax: '',
    ikey: 'mod_dptools',
    filename: 'mod-dptools.js',
  });
  db.insertInterface({ type: 'endpoint', name: 'sofia', ikey: 'mod_sip', filename: 'mod-sip.js' });
  db.insertInterface({
    type: 'dialplan',
    name: 'XML',
    ikey: 'mod_dialplan_xml',
    filename: 'mod-dialplan-xml.js',
  });
}

test('show channels prints FreeSWITCH columns in order, one line per channel of this host', (t) => {
  const { db } = openTestDb(t);
  db.insertChannel({
    uuid: 'u1',
    direction: 'inbound',
    created: '2023-11-14 10:00:00',
    created_epoch: 5,
    name: 'tdm/1',
    state: 'CS_NEW',
  });
  db.enqueue("INSERT INTO channels (uuid, hostname) VALUES ('other', 'gw2')");
  const expectedRow = 'u1,inbound,2023-11-14 10:00:00,5,tdm/1,CS_NEW,,,,,,,,,,,,,,,,gw1' + ',,'.repeat(8);
  assert.equal(formatShow(db.show('channels')), `${CHANNEL_HEADER}\n${expectedRow}\n\n1 total.\n`);
  assert.equal(
    formatShow(db.show('channels'), { kind: 'json' }).slice(0, 64),
    '{"row_count":1,"rows":[{"uuid":"u1","direction":"inbound","creat',
  );
});

test('show channels with nothing to list prints only the total, and json only the count', (t) => {
  const { db } = openTestDb(t);
  assert.equal(formatShow(db.show('channels')), '\n0 total.\n');
  assert.equal(formatShow(db.show('channels'), { kind: 'json' }), '{"row_count":0}');
});

test('show channels count and like narrow the listing', (t) => {
  const { db } = openTestDb(t);
  seedCalls(db);
  assert.equal(formatShow(db.show('channels', 'count')), '3 total.\n');
  const like = db.show('channels', 'like tdm/');
  assert.deepEqual(
    like.rows.map((r) => r['uuid']),
    ['c', 'a'],
  );
});

test('show calls pairs the two legs of a bridge and lists a lone channel by itself', (t) => {
  const { db } = openTestDb(t);
  seedCalls(db);
  const res = db.show('calls');
  assert.deepEqual(res.columns.slice(0, 3), ['uuid', 'direction', 'created']);
  assert.equal(res.columns.at(-1), 'call_created_epoch');
  assert.ok(res.columns.includes('b_uuid') && res.columns.includes('b_callstate'));
  const brief = res.rows.map((r) => [r['uuid'], r['b_uuid'], r['b_name'], r['call_created_epoch']]);
  assert.deepEqual(brief, [
    ['c', '', '', ''],
    ['a', 'b', 'sip/200', '102'],
  ]);
  assert.equal(formatShow(db.show('calls', 'count')), '2 total.\n');
  assert.deepEqual(
    db.show('bridged_calls').rows.map((r) => r['uuid']),
    ['a'],
  );
});

test('show calls lists both legs as lone channels once the bridge is torn down', (t) => {
  const { db } = openTestDb(t);
  seedCalls(db);
  db.deleteCall('b');
  assert.deepEqual(
    db.show('calls').rows.map((r) => r['uuid']),
    ['c', 'a', 'b'],
  );
});

test('show interfaces and show api print exact text', (t) => {
  const { db } = openTestDb(t);
  seedInterfaces(db);
  assert.equal(
    formatShow(db.show('interfaces')),
    'type,name,ikey,filename\n' +
      'api,show,mod_commands,mod-commands.js\n' +
      'api,status,mod_commands,mod-commands.js\n' +
      'application,answer,mod_dptools,mod-dptools.js\n' +
      'dialplan,XML,mod_dialplan_xml,mod-dialplan-xml.js\n' +
      'endpoint,sofia,mod_sip,mod-sip.js\n' +
      '\n5 total.\n',
  );
  assert.equal(
    formatShow(db.show('api')),
    'name,description,syntax,ikey\n' +
      'show,Show various reports,codec|channels|calls,mod_commands\n' +
      'status,Show core status,,mod_commands\n' +
      '\n2 total.\n',
  );
  assert.equal(
    formatShow(db.show('api', 'status'), { kind: 'json' }),
    '{"row_count":1,"rows":[{"name":"status","description":"Show core status","syntax":"","ikey":"mod_commands"}]}',
  );
});

test('show modules, endpoints, application and dialplan filter the interfaces', (t) => {
  const { db } = openTestDb(t);
  seedInterfaces(db);
  assert.equal(
    formatShow(db.show('modules')),
    'ikey,filename\nmod_commands,mod-commands.js\nmod_dialplan_xml,mod-dialplan-xml.js\n' +
      'mod_dptools,mod-dptools.js\nmod_sip,mod-sip.js\n\n4 total.\n',
  );
  assert.equal(formatShow(db.show('endpoints')), 'type,name,ikey\nendpoint,sofia,mod_sip\n\n1 total.\n');
  assert.equal(
    formatShow(db.show('dialplan')),
    'type,name,ikey\ndialplan,XML,mod_dialplan_xml\n\n1 total.\n',
  );
  assert.deepEqual(db.show('application').rows, [
    { name: 'answer', description: 'Answer the call', syntax: '', ikey: 'mod_dptools' },
  ]);
  db.deleteInterfaces('mod_commands');
  assert.equal(db.show('api').rows.length, 0);
});

test('show registrations and tasks list this host only, in FreeSWITCH columns', (t) => {
  const { db } = openTestDb(t);
  db.upsertRegistration({
    reg_user: '100',
    realm: 'gw.local',
    token: 'cid',
    url: 'sip:100@10.0.0.5:5060',
    expires: 0,
    network_ip: '10.0.0.5',
    network_port: 5060,
    network_proto: 'udp',
    user_agent: 'phone',
  });
  db.insertTask({
    task_id: 3,
    task_desc: 'heartbeat',
    task_group: 'core',
    task_runtime: 60,
    task_sql_manager: 0,
  });
  assert.equal(
    formatShow(db.show('registrations')),
    'reg_user,realm,token,url,expires,network_ip,network_port,network_proto,hostname,metadata\n' +
      '100,gw.local,cid,sip:100@10.0.0.5:5060,0,10.0.0.5,5060,udp,gw1,\n\n1 total.\n',
  );
  assert.equal(
    formatShow(db.show('tasks')),
    'task_id,task_desc,task_group,task_runtime,task_sql_manager,hostname\n3,heartbeat,core,60,0,gw1\n\n1 total.\n',
  );
});

test('an unknown show listing is an argument error', (t) => {
  const { db } = openTestDb(t);
  assert.throws(
    () => db.show('nonsense'),
    (e) => isTswError(e, 'TSW_ERR_API_ARGS'),
  );
});
