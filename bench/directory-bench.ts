/**
 * The directory benchmark (`npm run bench:directory`): how long indexing a
 * 10,000-user directory takes, how many lookups per second the index answers,
 * and what the directory adds to reloadxml and user_data in a running core.
 * Figures go to stdout as a table, progress to stderr. Nothing here passes or
 * fails on a number.
 *
 * `--quick` runs a tenth of the lookups and fewer rebuilds.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineMap } from '../src/config/line-map.js';
import { parseXml } from '../src/config/xml-parser.js';
import type { XmlNode } from '../src/config/xml-node.js';
import { buildDirectory } from '../src/directory/directory-builder.js';
import type { Directory } from '../src/directory/directory.js';
import { userData } from '../src/directory/user-data.js';
import { bootBenchCore } from './boot.js';
import { median, minimum, nowMs, progress } from './measure.js';
import { fmt, machineLines, renderTable, type ResultRow } from './table.js';

const quick = process.argv.includes('--quick');
const USERS = 10_000;
const LOOKUPS = quick ? 100_000 : 1_000_000;
const BUILDS = quick ? 3 : 15;
const RELOADS = quick ? 2 : 7;
const API_CALLS = quick ? 5_000 : 50_000;
const FIRST_ID = 10_000;
const DOMAIN = 'bench.example';

/** One domain with users FIRST_ID.., aliases from 50000, and a group pointing at every other user. */
function directorySection(users: number, domain: string): string {
  const lines = [
    `<domain name="${domain}">`,
    '<params><param name="dial-string" value="null/${dialed_user}"/></params>',
    '<variables><variable name="user_context" value="default"/></variables>',
    '<users>',
  ];
  for (let i = 0; i < users; i++) {
    const id = FIRST_ID + i;
    lines.push(
      `<user id="${id}" number-alias="${50_000 + i}">`,
      `<params><param name="password" value="bench-${id}-secret"/></params>`,
      `<variables><variable name="effective_caller_id_number" value="${id}"/></variables>`,
      '</user>',
    );
  }
  lines.push('</users>', '<groups><group name="even"><users>');
  for (let i = 0; i < users; i += 2) lines.push(`<user id="${FIRST_ID + i}" type="pointer"/>`);
  lines.push('</users></group></groups>', '</domain>');
  return lines.join('\n');
}

function parseSection(users: number): XmlNode {
  const text = `<section name="directory">\n${directorySection(users, DOMAIN)}\n</section>\n`;
  const map = new LineMap();
  const count = text.split('\n').length;
  for (let i = 1; i <= count; i++) map.push('bench.xml', i);
  return parseXml(text, map);
}

/** Ids in a fixed pseudo-random order, so every run asks the same questions. */
function shuffledIds(n: number, offset: number): string[] {
  const ids = Array.from({ length: n }, (_, i) => String(offset + i));
  let seed = 42;
  for (let i = ids.length - 1; i > 0; i--) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = seed % (i + 1);
    [ids[i], ids[j]] = [ids[j] ?? '', ids[i] ?? ''];
  }
  return ids;
}

function lookupRate(label: string, ids: readonly string[], ask: (id: string) => unknown): ResultRow {
  // An untimed pass first, so that the timed one measures optimised code.
  for (let i = 0; i < LOOKUPS / 10; i++) ask(ids[i % ids.length] ?? '');
  let found = 0;
  const t0 = nowMs();
  for (let i = 0; i < LOOKUPS; i++) if (ask(ids[i % ids.length] ?? '') !== undefined) found++;
  const ms = nowMs() - t0;
  return {
    group: 'lookup',
    metric: label,
    value: fmt((LOOKUPS / ms) * 1000),
    unit: 'lookups/s',
    notes: `${fmt(LOOKUPS)} lookups, ${fmt(found)} found, ${fmt(USERS)} users`,
  };
}

function indexSteps(): { rows: ResultRow[]; directory: Directory } {
  progress(`index: parsing a ${fmt(USERS)}-user section`);
  const section = parseSection(USERS);
  const times: number[] = [];
  let directory: Directory | undefined;
  for (let i = 0; i <= BUILDS; i++) {
    const t0 = nowMs();
    const b = buildDirectory(section);
    const ms = nowMs() - t0;
    if (b.problems.length > 0) throw new Error(`bench directory has problems: ${b.problems[0]}`);
    if (i > 0) times.push(ms);
    directory = b.directory;
  }
  if (!directory || directory.userCount !== USERS) throw new Error('bench directory lost users');
  const rows: ResultRow[] = [
    {
      group: 'index',
      metric: `build, ${fmt(USERS)} users + 1 group`,
      value: `${fmt(minimum(times), 1)} / ${fmt(median(times), 1)}`,
      unit: 'ms min/med',
      notes: `${times.length} builds from a parsed tree`,
    },
  ];
  return { rows, directory };
}

function lookupSteps(d: Directory): ResultRow[] {
  progress(`lookup: ${fmt(LOOKUPS)} lookups per kind`);
  const ids = shuffledIds(USERS, FIRST_ID);
  const aliases = shuffledIds(USERS, 50_000);
  const misses = shuffledIds(USERS, 90_000);
  return [
    lookupRate('findUser by id', ids, (id) => d.findUser(id, DOMAIN)),
    lookupRate('findUser by number-alias', aliases, (id) => d.findUser(id, DOMAIN)),
    lookupRate('findUser, no such user', misses, (id) => d.findUser(id, DOMAIN)),
    lookupRate('lookupAuth (password)', ids, (id) => d.lookupAuth(DOMAIN, id)?.password),
    lookupRate('merged variable', ids, (id) => d.findUser(id, DOMAIN)?.variables.get('user_context')),
  ];
}

/** reloadxml and user_data in a running core with mod_directory and the users in conf/. */
async function coreSteps(): Promise<ResultRow[]> {
  const b = await bootBenchCore();
  try {
    progress(`core: reloadxml with ${fmt(USERS)} users and mod_directory`);
    mkdirSync(join(b.confDir, 'directory'), { recursive: true });
    writeFileSync(
      join(b.confDir, 'directory', 'default.xml'),
      `<include>\n${directorySection(USERS, DOMAIN)}\n</include>\n`,
    );
    const loaded = await b.api('load mod_directory');
    if (!loaded.startsWith('+OK')) throw new Error(`load mod_directory: ${loaded.trim()}`);
    const times: number[] = [];
    for (let i = 0; i <= RELOADS; i++) {
      const t0 = nowMs();
      const reply = await b.api('reloadxml');
      if (reply.trim() !== '+OK [Success]') throw new Error(`reloadxml failed: ${reply.trim()}`);
      if (i > 0) times.push(nowMs() - t0);
    }
    const ids = shuffledIds(USERS, FIRST_ID);
    progress(`core: ${fmt(API_CALLS)} user_data API calls`);
    let t0 = nowMs();
    for (let i = 0; i < API_CALLS; i++) {
      const reply = await b.api(`user_data ${ids[i % USERS] ?? ''}@${DOMAIN} var user_context`);
      if (reply !== 'default') throw new Error(`user_data replied ${JSON.stringify(reply)}`);
    }
    const apiMs = nowMs() - t0;
    t0 = nowMs();
    for (let i = 0; i < LOOKUPS; i++) userData(b.core, `${ids[i % USERS] ?? ''}@${DOMAIN} param password`);
    const fnMs = nowMs() - t0;
    return [
      {
        group: 'core',
        metric: `reloadxml, ${fmt(USERS)} users, one file`,
        value: `${fmt(minimum(times), 1)} / ${fmt(median(times), 1)}`,
        unit: 'ms min/med',
        notes: `${times.length} runs, includes directory validation and index`,
      },
      {
        group: 'core',
        metric: 'user_data API command',
        value: fmt((API_CALLS / apiMs) * 1000),
        unit: 'calls/s',
        notes: `${fmt(API_CALLS)} calls through the API registry`,
      },
      {
        group: 'core',
        metric: 'userData() function',
        value: fmt((LOOKUPS / fnMs) * 1000),
        unit: 'calls/s',
        notes: `${fmt(LOOKUPS)} calls, spec parsed each time`,
      },
    ];
  } finally {
    await b.stop();
  }
}

async function main(): Promise<void> {
  const t0 = nowMs();
  const { rows, directory } = indexSteps();
  rows.push(...lookupSteps(directory));
  rows.push(...(await coreSteps()));
  const lines = [
    'typeswitch directory benchmark',
    ...machineLines(),
    `Run:      ${new Date().toISOString()}, ${fmt((nowMs() - t0) / 1000, 1)} s${quick ? ' (--quick)' : ''}`,
    '',
    renderTable(rows),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
