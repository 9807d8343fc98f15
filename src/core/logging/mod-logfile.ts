/**
 * mod_logfile: writes the log to a file. The file is reopened on SIGHUP, so
 * logrotate can rename it and signal the daemon; `rollover` makes the sink roll
 * the file itself when it passes a size.
 */
import { join } from 'node:path';
import { defineSchema } from '../../config/schema.js';
import { LOG_LEVELS, parseLogLevel, LogLevel } from '../log.js';
import { FileSink } from '../log-sinks/file-sink.js';
import type { TswModule } from '../module.js';
import { readModuleSettings } from '../module-settings.js';

export const LOGFILE_SCHEMA = defineSchema({
  logfile: { type: 'string', description: 'Log file path (default <log_dir>/typeswitch.log)' },
  loglevel: { type: 'enum', values: LOG_LEVELS, default: 'debug', description: 'Least severe level written' },
  rollover: { type: 'int', default: 0, min: 0, description: 'Roll the file at this many bytes; 0 never' },
  'maximum-rotate': { type: 'int', default: 5, min: 1, max: 1000, description: 'Rolled files kept' },
});

export function createModLogfile(): TswModule {
  return {
    name: 'mod_logfile',
    description: 'File logging',
    load(ctx) {
      const { values } = readModuleSettings(ctx, 'logfile.conf', LOGFILE_SCHEMA);
      const path = values.logfile ?? join(ctx.core.paths.logDir, 'typeswitch.log');
      const opts: ConstructorParameters<typeof FileSink>[0] = {
        name: 'logfile',
        path,
        level: parseLogLevel(values.loglevel) ?? LogLevel.DEBUG,
        keep: values['maximum-rotate'],
      };
      if (values.rollover > 0) opts.maxBytes = values.rollover;
      ctx.core.logs.addSink(new FileSink(opts));
      ctx.onUnload(() => ctx.core.logs.removeSink('logfile'));
      ctx.log.info(`logging to ${path}`);
    },
  };
}
