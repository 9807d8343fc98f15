/**
 * A generated directory section: one domain `big.example` whose users are
 * 10000, 10001, ... with number-alias 50000, 50001, ..., a password each, and a
 * group `even` that points at every other user. User i starts on line 5 + 4i.
 */
import { LineMap } from '../../src/config/line-map.js';
import { parseXml } from '../../src/config/xml-parser.js';
import type { XmlNode } from '../../src/config/xml-node.js';

export function largeDirectoryXml(users: number): string {
  const lines = [
    '<section name="directory">',
    '<domain name="big.example">',
    '<variables><variable name="user_context" value="big"/></variables>',
    '<users>',
  ];
  for (let i = 0; i < users; i++) {
    const id = 10_000 + i;
    lines.push(
      `<user id="${id}" number-alias="${50_000 + i}">`,
      `<params><param name="password" value="pw-${id}"/></params>`,
      `<variables><variable name="effective_caller_id_number" value="${id}"/></variables>`,
      '</user>',
    );
  }
  lines.push('</users>', '<groups>', '<group name="even">', '<users>');
  for (let i = 0; i < users; i += 2) lines.push(`<user id="${10_000 + i}" type="pointer"/>`);
  lines.push('</users>', '</group>', '</groups>', '</domain>', '</section>');
  return `${lines.join('\n')}\n`;
}

/** Parses generated text with every line mapped to `large.xml`. */
export function parseLarge(text: string): XmlNode {
  const map = new LineMap();
  const count = text.split('\n').length;
  for (let i = 1; i <= count; i++) map.push('large.xml', i);
  return parseXml(text, map);
}
