/** The directory's API commands (user_data, user_exists, group_call) and the set_user application. */
import { ApiUsageError, splitArgs, type ApiCommand } from '../core/api.js';
import type { Application } from '../core/application.js';
import { api } from '../core/commands/define.js';
import type { DirectoryService } from './directory-service.js';
import { groupCall } from './group-call.js';
import { bindUserToChannel, parseUserDataSpec, userValue } from './user-data.js';

const USER_DATA_SYNTAX = '<user>@<domain> [var|param|attr] <name>';
const USER_EXISTS_SYNTAX = '<key> <user> <domain>';
const GROUP_CALL_SYNTAX = '<group>@<domain>[+F|+A|+E]';

export function directoryCommands(svc: DirectoryService): ApiCommand[] {
  return [
    // Like FreeSWITCH, a missing user or value is an empty reply, not an error.
    api('user_data', 'Find user data', USER_DATA_SYNTAX, (args) => {
      const p = parseUserDataSpec(args);
      if (!p) throw new ApiUsageError(`USAGE: user_data ${USER_DATA_SYNTAX}`);
      const { user } = svc.resolve(p.user);
      return (user && userValue(user, p.kind, p.name)) ?? '';
    }),
    api('user_exists', 'Find a user', USER_EXISTS_SYNTAX, (args) => {
      const [key, user, domain] = splitArgs(args);
      if (!key || !user) throw new ApiUsageError(`USAGE: user_exists ${USER_EXISTS_SYNTAX}`);
      return svc.directory.findUserBy(key, user, domain ?? svc.defaultDomain()) ? 'true' : 'false';
    }),
    api('group_call', 'Generate a dial string to call a group', GROUP_CALL_SYNTAX, (args) => {
      if (args.trim() === '') throw new ApiUsageError(`USAGE: group_call ${GROUP_CALL_SYNTAX}`);
      return groupCall(svc, args);
    }),
  ];
}

/** `set_user <user>@<domain> [prefix]`: binds a directory user's settings to the channel. */
export function setUserApplication(svc: DirectoryService): Application {
  return {
    name: 'set_user',
    description: 'Set a user data to a channel',
    syntax: '<user>@<domain> [prefix]',
    flags: { inline: true },
    run(session, data) {
      const [spec, prefix] = splitArgs(data);
      if (!spec) throw new Error('set_user: expected <user>@<domain> [prefix]');
      const { user, id, domain } = svc.resolve(spec);
      if (!user) {
        session.log.warn(`set_user: no user ${id}@${domain}`, { uuid: session.uuid });
        return;
      }
      bindUserToChannel(session, user, prefix ? { prefix } : {});
    },
  };
}
