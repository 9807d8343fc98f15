/**
 * Reading a profile's `<gateways><gateway name=".."><param/></gateway></gateways>`:
 * FreeSWITCH's trunks. Every param is declared in {@link GATEWAY_SCHEMA}; an
 * unknown or invalid one is an error naming its file:line. Defaults follow
 * FreeSWITCH: realm is the gateway's name, proxy is the realm, register-proxy
 * is the proxy, from-domain is the realm and from-user the username.
 */
import { childrenNamed, firstChild, type XmlNode } from '../../config/xml-node.js';
import { defineSchema, readParamList, type SettingsOf, validateParams } from '../../config/schema.js';
import { TswError } from '../../core/errors.js';
import { parseUri, type SipUri } from '../../sip/messages/index.js';
import type { TransportProtocol } from '../../sip/transport/index.js';

const HOSTISH = /^[^\s<>"]+$/;

export const GATEWAY_SCHEMA = defineSchema({
  username: { type: 'string', description: 'Account name for REGISTER and digest' },
  password: { type: 'string', description: 'Digest password' },
  realm: {
    type: 'string',
    pattern: HOSTISH,
    description: 'Domain registered to; defaults to the gateway name',
  },
  proxy: {
    type: 'string',
    pattern: HOSTISH,
    description: 'host[:port][;transport=x] calls go to; defaults to realm',
  },
  register: { type: 'bool', default: true, description: 'Keep a registration with the trunk' },
  'register-transport': { type: 'enum', values: ['udp', 'tcp', 'tls'], default: 'udp' },
  'expire-seconds': { type: 'int', default: 3600, min: 1, max: 604800, description: 'Expires we ask for' },
  'retry-seconds': {
    type: 'int',
    default: 30,
    min: 1,
    max: 86400,
    description: 'First retry delay after a failure',
  },
  ping: { type: 'int', default: 0, min: 0, max: 86400, description: 'OPTIONS keepalive interval; 0 off' },
  'ping-max': {
    type: 'int',
    default: 1,
    min: 1,
    max: 100,
    description: 'Failed pings before the gateway is DOWN',
  },
  'caller-id-in-from': { type: 'bool', default: false, description: "Put the caller's number in From" },
  'from-user': { type: 'string', description: 'User part of From; defaults to username' },
  'from-domain': { type: 'string', pattern: HOSTISH, description: 'Host part of From; defaults to realm' },
  extension: { type: 'string', description: 'Destination for calls that come in from this gateway' },
  'contact-params': { type: 'string', description: 'Extra params appended to our Contact URI' },
  'register-proxy': {
    type: 'string',
    pattern: HOSTISH,
    description: 'Where REGISTER goes; defaults to proxy',
  },
  'outbound-proxy': { type: 'string', pattern: HOSTISH, description: 'Where INVITEs go; defaults to proxy' },
});

export type GatewaySettings = SettingsOf<typeof GATEWAY_SCHEMA>;

export interface GatewayConfig {
  name: string;
  settings: GatewaySettings;
  realm: string;
  /** Host of R-URIs of calls; next hop unless outbound-proxy is set. */
  proxy: SipUri;
  registerProxy: SipUri;
  outboundProxy: SipUri | undefined;
  registerTransport: TransportProtocol;
  username: string;
  fromUser: string;
  fromDomain: string;
  /** Where the `<gateway>` element is, for messages. */
  loc: XmlNode['loc'];
  /** Equal for two configs that behave the same; a rescan restarts a gateway whose key changed. */
  key: string;
}

function paramLoc(node: XmlNode, name: string): XmlNode['loc'] {
  return readParamList(node).find((p) => p.name.toLowerCase() === name)?.loc ?? node.loc;
}

function hostUri(node: XmlNode, gw: string, param: string, text: string): SipUri {
  try {
    const uri = parseUri(/^sips?:/i.test(text) ? text : `sip:${text}`, param);
    if (uri.kind === 'sip') return uri;
  } catch {
    // reported below
  }
  throw new TswError(
    'TSW_ERR_CONFIG_PARAM',
    `gateway ${gw}: param "${param}": "${text}" is not a host[:port]`,
    {
      location: paramLoc(node, param),
    },
  );
}

/** Reads one `<gateway>`. Throws TSW_ERR_CONFIG_PARAM naming file:line. */
export function readGateway(node: XmlNode): GatewayConfig {
  const name = node.attrs.name ?? '';
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw new TswError('TSW_ERR_CONFIG_PARAM', `gateway name "${name}" must be letters, digits, _ . -`, {
      location: node.loc,
    });
  }
  const { values, errors } = validateParams(readParamList(node), GATEWAY_SCHEMA, node.loc);
  if (errors.length > 0) {
    throw new TswError(
      'TSW_ERR_CONFIG_PARAM',
      `gateway ${name}: ${errors.map((e) => e.message).join('; ')}`,
      { location: errors[0]?.location },
    );
  }
  const username = values.username ?? '';
  if (values.register && (username === '' || values.password === undefined)) {
    throw new TswError(
      'TSW_ERR_CONFIG_PARAM',
      `gateway ${name}: register is true, so username and password are required (or set register to false)`,
      { location: node.loc },
    );
  }
  const realm = values.realm ?? name;
  const proxy = hostUri(node, name, values.proxy === undefined ? 'realm' : 'proxy', values.proxy ?? realm);
  const registerProxy =
    values['register-proxy'] === undefined
      ? proxy
      : hostUri(node, name, 'register-proxy', values['register-proxy']);
  const outboundProxy =
    values['outbound-proxy'] === undefined
      ? undefined
      : hostUri(node, name, 'outbound-proxy', values['outbound-proxy']);
  const fromUser = values['from-user'] ?? (username === '' ? name : username);
  return {
    name,
    settings: values,
    realm,
    proxy,
    registerProxy,
    outboundProxy,
    registerTransport: values['register-transport'].toUpperCase() as TransportProtocol,
    username,
    fromUser,
    fromDomain: values['from-domain'] ?? realm,
    loc: node.loc,
    key: JSON.stringify(values),
  };
}

/** The gateways of one `<profile>` element; a name used twice is an error. */
export function readGateways(profile: XmlNode): GatewayConfig[] {
  const out: GatewayConfig[] = [];
  for (const g of childrenNamed(firstChild(profile, 'gateways'), 'gateway')) {
    const cfg = readGateway(g);
    if (out.some((o) => o.name.toLowerCase() === cfg.name.toLowerCase())) {
      throw new TswError('TSW_ERR_CONFIG_PARAM', `gateway ${cfg.name} is defined twice`, { location: g.loc });
    }
    out.push(cfg);
  }
  return out;
}
