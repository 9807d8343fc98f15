/**
 * The inline dialplan: the destination itself lists the applications, as
 * `app:arg,app:arg` (FreeSWITCH's `inline` dialplan). A literal comma inside an
 * argument is written `\,`.
 */
import type { ApplicationCall, Dialplan, Extension } from '../core/application.js';
import type { Session } from '../core/session.js';
import { splitUnescaped } from '../core/dial-string.js';

export function parseInlineApps(text: string): ApplicationCall[] {
  return splitUnescaped(text, ',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const colon = s.indexOf(':');
      return colon < 0 ? { app: s, data: '' } : { app: s.slice(0, colon), data: s.slice(colon + 1) };
    });
}

export function createInlineDialplan(): Dialplan {
  return {
    name: 'inline',
    hunt(session: Session, arg: string): Extension | undefined {
      const text = arg !== '' ? arg : session.channel.profile.destination_number;
      const applications = parseInlineApps(text);
      return applications.length > 0 ? { name: 'inline', applications } : undefined;
    },
  };
}
