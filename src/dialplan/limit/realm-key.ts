/**
 * The `<op>/<realm>/<key>[/<value>]` argument that the hash and db
 * applications and commands share. Only the first three slashes split, so a
 * value may itself contain slashes (a URL, a dial string).
 */
export interface RealmKeyArgs {
  op: string;
  realm: string;
  key: string;
  value: string | undefined;
}

export function parseRealmKey(text: string): RealmKeyArgs {
  const parts: string[] = [];
  let rest = text.trim();
  while (parts.length < 3) {
    const slash = rest.indexOf('/');
    if (slash < 0) break;
    parts.push(rest.slice(0, slash));
    rest = rest.slice(slash + 1);
  }
  parts.push(rest);
  const [op = '', realm = '', key = '', value] = parts;
  return { op: op.toLowerCase(), realm, key, value };
}
