/**
 * XML form of an event for `event xml` subscribers, shaped like FreeSWITCH's
 * switch_event_xmlize: `<event><headers>` with one element per header (one per
 * value for an array header), then `Content-Length` and `<body>` when there is a
 * body. Values are URL-encoded before XML escaping, as FreeSWITCH does.
 */
import type { TswEvent } from '../core/event.js';

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      default:
        return '&apos;';
    }
  });
}

/**
 * An element name from a header name. Header names come from producers and from
 * `sendevent` clients, so anything XML does not allow in a name is replaced.
 */
function tagName(name: string): string {
  const t = name.replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^[A-Za-z_]/.test(t) ? t : `_${t}`;
}

export function serializeEventXml(ev: TswEvent): string {
  let out = '<event>\n  <headers>\n';
  for (const [name, value] of ev.headers) {
    const tag = tagName(name);
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) out += `    <${tag}>${escapeXml(encodeURIComponent(v))}</${tag}>\n`;
  }
  out += '  </headers>\n';
  if (ev.body !== undefined && ev.body.length > 0) {
    out += `  <Content-Length>${Buffer.byteLength(ev.body)}</Content-Length>\n`;
    out += `  <body>${escapeXml(ev.body)}</body>\n`;
  }
  return `${out}</event>`;
}
