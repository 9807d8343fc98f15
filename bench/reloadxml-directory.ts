/**
 * `reloadxml` time with a large user directory. The bench's own copy of
 * conf/directory/default.xml gets an include of `default/*.xml` under the
 * default domain's users (the layout FreeSWITCH ships), and the users are
 * written either one file each or all into one file. Every reload runs the
 * preprocessor, the XML parser and the expanded-document dump again.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { XmlNode } from '../src/config/xml-node.js';
import type { Core } from '../src/core/core.js';
import { bootBenchCore } from './boot.js';
import { median, minimum, nowMs, progress } from './measure.js';
import { fmt, type ResultRow } from './table.js';

const DOMAIN_XML = `<include>
  <domain name="$\${domain}">
    <params>
    </params>
    <groups>
      <group name="default">
        <users>
          <X-PRE-PROCESS cmd="include" data="default/*.xml"/>
        </users>
      </group>
    </groups>
  </domain>
</include>
`;

function userXml(id: number): string {
  return (
    `<user id="${id}">\n  <params>\n    <param name="password" value="bench-${id}-secret"/>\n  </params>\n` +
    `  <variables>\n    <variable name="user_context" value="default"/>\n  </variables>\n</user>\n`
  );
}

/** Replaces directory/default/ with the users, one file each or all in one. */
function writeUsers(confDir: string, users: number, layout: 'files' | 'one-file'): void {
  const dir = join(confDir, 'directory', 'default');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(confDir, 'directory', 'default.xml'), DOMAIN_XML);
  const first = 1000;
  if (layout === 'one-file') {
    const body = Array.from({ length: users }, (_, i) => userXml(first + i)).join('');
    writeFileSync(join(dir, 'users.xml'), `<include>\n${body}</include>\n`);
    return;
  }
  for (let i = 0; i < users; i++)
    writeFileSync(join(dir, `${first + i}.xml`), `<include>\n${userXml(first + i)}</include>\n`);
}

function countUsers(node: XmlNode | undefined): number {
  if (!node) return 0;
  let n = node.name === 'user' ? 1 : 0;
  for (const c of node.children) n += countUsers(c);
  return n;
}

async function timeReloads(core: Core, runs: number, users: number): Promise<number[]> {
  const times: number[] = [];
  // One untimed reload first: it reads the files cold and warms the parser.
  for (let i = 0; i <= runs; i++) {
    const t0 = nowMs();
    const reply = await core.apis.executeLine('reloadxml');
    const ms = nowMs() - t0;
    if (reply.trim() !== '+OK [Success]') throw new Error(`reloadxml failed: ${reply.trim()}`);
    if (i > 0) times.push(ms);
  }
  const loaded = countUsers(core.xml.section('directory'));
  if (loaded !== users) throw new Error(`reloadxml loaded ${loaded} users, expected ${users}`);
  return times;
}

function row(metric: string, times: readonly number[], notes: string): ResultRow {
  return {
    group: 'reloadxml',
    metric,
    value: `${fmt(minimum(times), 1)} / ${fmt(median(times), 1)}`,
    unit: 'ms min/med',
    notes: `${times.length} runs, ${notes}`,
  };
}

/** Times reloadxml on a fresh core: stock conf, then `users` users one file each, then in one file. */
export async function benchReloadXml(users: number, runs: number): Promise<ResultRow[]> {
  const b = await bootBenchCore();
  try {
    progress('reloadxml: stock conf');
    const stock = await timeReloads(b.core, runs, 0);
    progress(`reloadxml: ${fmt(users)} users, one file each`);
    writeUsers(b.confDir, users, 'files');
    const files = await timeReloads(b.core, runs, users);
    progress(`reloadxml: ${fmt(users)} users in one file`);
    writeUsers(b.confDir, users, 'one-file');
    const one = await timeReloads(b.core, runs, users);
    return [
      row('stock conf, no users', stock, 'baseline'),
      row(`${fmt(users)} users, one file each`, files, `${fmt(users)} includes`),
      row(`${fmt(users)} users, one file`, one, 'directory/default/users.xml'),
    ];
  } finally {
    await b.stop();
  }
}
