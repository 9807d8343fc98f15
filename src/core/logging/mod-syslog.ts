/** mod_syslog: sends the log to syslog (/dev/log) or to journald's native socket. */
import { defineSchema } from '../../config/schema.js';
import { LOG_LEVELS, LogLevel, parseLogLevel } from '../log.js';
import { SYSLOG_FACILITIES, type SyslogFacility } from '../log-sinks/syslog-format.js';
import { SyslogSink } from '../log-sinks/syslog-sink.js';
import type { TswModule } from '../module.js';
import { readModuleSettings } from '../module-settings.js';

const FACILITIES = Object.keys(SYSLOG_FACILITIES) as SyslogFacility[];

export const SYSLOG_SCHEMA = defineSchema({
  ident: { type: 'string', default: 'typeswitch', description: 'SYSLOG_IDENTIFIER / APP-NAME' },
  facility: { type: 'enum', values: FACILITIES, default: 'daemon', description: 'Syslog facility' },
  loglevel: { type: 'enum', values: LOG_LEVELS, default: 'warning', description: 'Least severe level sent' },
  format: { type: 'enum', values: ['rfc3164', 'rfc5424'], default: 'rfc5424', description: 'Message format' },
  socket: { type: 'string', default: '/dev/log', description: 'Syslog datagram socket' },
  journald: { type: 'bool', default: true, description: "Use journald's native protocol when it is present" },
});

export function createModSyslog(): TswModule {
  return {
    name: 'mod_syslog',
    description: 'Syslog and journald logging',
    load(ctx) {
      const { values } = readModuleSettings(ctx, 'syslog.conf', SYSLOG_SCHEMA);
      ctx.core.logs.addSink(
        new SyslogSink({
          name: 'syslog',
          level: parseLogLevel(values.loglevel) ?? LogLevel.WARNING,
          identity: values.ident,
          facility: values.facility,
          format: values.format,
          path: values.socket,
          journald: values.journald,
        }),
      );
      ctx.onUnload(() => ctx.core.logs.removeSink('syslog'));
    },
  };
}
