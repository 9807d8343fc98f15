import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { LogLevel, LogManager } from '../../src/core/log.js';
import { ConsoleSink } from '../../src/core/log-sinks/console-sink.js';

function setup(): { logs: LogManager; out: string[] } {
  const out: string[] = [];
  const logs = new LogManager(() => 0);
  logs.addSink(new ConsoleSink({ stream: { write: (s: string) => out.push(s.trimEnd()) }, color: false }));
  return { logs, out };
}

const messages = (out: string[]): string[] => out.map((l) => l.slice(l.indexOf('] ') + 2));

test('a module with its own level logs debug while the others stay at the default level', () => {
  const { logs, out } = setup();
  logs.defaultLevel = LogLevel.INFO;
  logs.setModuleLevel('mod_sip', LogLevel.DEBUG);
  logs.logger('mod_sip').debug('sip detail');
  logs.logger('core').debug('core detail');
  logs.logger('core').info('core info');
  assert.deepEqual(messages(out), ['mod_sip: sip detail', 'core: core info']);
});

test('a module level can be stricter than the default and cleared again', () => {
  const { logs, out } = setup();
  logs.setModuleLevel('mod_tdm', LogLevel.ERR);
  logs.logger('mod_tdm').warn('quiet');
  logs.setModuleLevel('mod_tdm', undefined);
  logs.logger('mod_tdm').warn('heard');
  assert.deepEqual(messages(out), ['mod_tdm: heard']);
});

test('a sink threshold applies after the module filter', () => {
  const { logs, out } = setup();
  const sink = logs.getSink('console');
  assert.ok(sink);
  sink.level = LogLevel.WARNING;
  logs.logger('core').info('hidden');
  logs.logger('core').error('shown', { uuid: 'c-1', port: 2 });
  assert.deepEqual(messages(out), ['core: shown port=2']);
  assert.ok(out[0]?.startsWith('c-1 '));
});
