/**
 * Applications that set variables in bulk or for other legs: export,
 * multiset and multiunset. (`set` and `unset` live with the basic apps; a
 * value of `_undef_` unsets everywhere, see ChannelVariables.)
 *
 * Exporting follows FreeSWITCH: `export name=value` sets `name` here and adds
 * it to this channel's `export_vars`, so every leg this channel originates or
 * bridges later receives it. `export nolocal:name=value` keeps the value under
 * the literal name `nolocal:name` on this channel, so only the other leg sees
 * it as `name`.
 */
import type { Application } from '../../core/application.js';
import type { Channel } from '../../core/channel.js';
import { UNDEF_VALUE } from '../../core/channel-variables.js';
import { splitAssignment } from './basic-apps.js';

/** Sets `name` on the channel and lists it in `listVar` (default `export_vars`). */
export function exportVariable(ch: Channel, name: string, value: string, listVar = 'export_vars'): void {
  if (value === '' || value === UNDEF_VALUE) {
    ch.variables.unset(name);
    return;
  }
  ch.variables.set(name, value);
  const list = (ch.variables.get(listVar) ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  if (!list.includes(name)) list.push(name);
  ch.variables.set(listVar, list.join(','));
}

/**
 * Splits `multiset` data. The default separator is a space, with 'single' or
 * "double" quotes keeping spaces inside a value; `^^X` at the start makes the
 * character X the separator instead (`^^:a=1:b=2`).
 */
export function splitMulti(data: string): string[] {
  const text = data.trim();
  const custom = /^\^\^(.)/s.exec(text);
  if (custom) {
    return text
      .slice(3)
      .split(custom[1] ?? '')
      .filter((p) => p.trim() !== '');
  }
  const out: string[] = [];
  const re = /(?:[^\s'"]+|'[^']*'|"[^"]*")+/g;
  for (const m of text.matchAll(re)) out.push(m[0].replace(/(['"])(.*?)\1/g, '$2'));
  return out;
}

function inlineApp(name: string, description: string, syntax: string, run: Application['run']): Application {
  return { name, description, syntax, run, flags: { inline: true } };
}

export function variableApplications(): Application[] {
  return [
    inlineApp(
      'export',
      'Set a variable here and on every leg this channel originates',
      '[nolocal:]<varname>=<value>',
      (s, data) => {
        const kv = splitAssignment(data);
        if (!kv) throw new Error(`export: expected <varname>=<value>, got "${data}"`);
        exportVariable(s.channel, kv[0], kv[1]);
      },
    ),
    inlineApp(
      'bridge_export',
      'Set a variable here and on the channel this one is bridged to',
      '[nolocal:]<varname>=<value>',
      (s, data) => {
        const kv = splitAssignment(data);
        if (!kv) throw new Error(`bridge_export: expected <varname>=<value>, got "${data}"`);
        exportVariable(s.channel, kv[0], kv[1], 'bridge_export_vars');
      },
    ),
    inlineApp(
      'multiset',
      'Set several channel variables',
      '[^^<sep>]<var>=<value> <var>=<value> ...',
      (s, data) => {
        for (const item of splitMulti(data)) {
          const kv = splitAssignment(item);
          if (!kv) throw new Error(`multiset: expected <varname>=<value>, got "${item}"`);
          s.setVariable(kv[0], kv[1] === '' ? undefined : kv[1]);
        }
      },
    ),
    inlineApp('multiunset', 'Unset several channel variables', '[^^<sep>]<var> <var> ...', (s, data) => {
      for (const name of splitMulti(data)) s.setVariable(name.trim(), undefined);
    }),
  ];
}
