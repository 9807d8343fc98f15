/**
 * The element tree the configuration registry hands to modules. It is deliberately
 * small: FreeSWITCH's switch_xml API (child, find_child, attr) covers what every
 * module needs, and nothing here depends on the XML library underneath.
 */
import type { SourceLocation } from '../core/errors.js';

/** One XML element, with the place in the ORIGINAL (unexpanded) file where it starts. */
export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  /** The element's own character data (CDATA included), entities decoded, trimmed. */
  text: string;
  loc: SourceLocation;
}

/** The first direct child called `name`, like switch_xml_child(). */
export function firstChild(node: XmlNode | undefined, name: string): XmlNode | undefined {
  if (!node) return undefined;
  for (const c of node.children) if (c.name === name) return c;
  return undefined;
}

/** Every direct child called `name`, in document order. */
export function childrenNamed(node: XmlNode | undefined, name: string): XmlNode[] {
  if (!node) return [];
  return node.children.filter((c) => c.name === name);
}

/**
 * The first direct child called `name` whose attribute `attrName` equals `value`,
 * like switch_xml_find_child(). FreeSWITCH compares these values case-insensitively.
 */
export function findChild(
  node: XmlNode | undefined,
  name: string,
  attrName: string,
  value: string,
): XmlNode | undefined {
  if (!node) return undefined;
  const want = value.toLowerCase();
  for (const c of node.children) {
    if (c.name === name && c.attrs[attrName]?.toLowerCase() === want) return c;
  }
  return undefined;
}

/** An attribute's value, or `fallback` when the attribute is absent. */
export function attr(node: XmlNode | undefined, name: string): string | undefined;
export function attr(node: XmlNode | undefined, name: string, fallback: string): string;
export function attr(node: XmlNode | undefined, name: string, fallback?: string): string | undefined {
  return node?.attrs[name] ?? fallback;
}
